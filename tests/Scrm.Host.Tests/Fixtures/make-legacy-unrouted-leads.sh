#!/usr/bin/env bash
# Makes a data folder with unrouted leads on the build in $HOST_DIR (the code before replayed effects answered their first outcome).
set -euo pipefail
HOST_DIR=$1; DATA=$2; PORT=5977
export ASPNETCORE_ENVIRONMENT=Testing Scrm__Storage__DataDirectory=$DATA Scrm__FaultInjection__Enabled=true
export Scrm__Auth__ApiKeys__0__Key=test-admin-key-0123456789abcdef Scrm__Auth__ApiKeys__0__Role=admin
export Scrm__Auth__ApiKeys__1__Key=test-ingest-key-0123456789abcdef Scrm__Auth__ApiKeys__1__Role=ingest
export Scrm__Leads__Teams__0__Name=sales Scrm__Leads__Teams__0__TeamLead=boss Scrm__Leads__Teams__0__Reps__0__Id=rep-1 Scrm__Leads__Teams__0__Reps__1__Id=rep-2 Scrm__Leads__DefaultTeam=sales
export Logging__LogLevel__Default=Warning
start() { ( cd $HOST_DIR && Scrm__FaultInjection__CrashAt="$1" exec dotnet Scrm.Host.dll --urls http://127.0.0.1:$PORT >> $DATA.log 2>&1 ) & PID=$!; for i in $(seq 1 600); do curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:$PORT/health/ready 2>/dev/null | grep -q 200 && return; sleep 0.2; done; echo "not ready"; exit 1; }
lead() { curl -s -m 30 -H 'X-Api-Key: test-ingest-key-0123456789abcdef' -H 'Content-Type: application/json' http://127.0.0.1:$PORT/api/v1/leads -d "{\"name\":\"客户$1\",\"phone\":\"+86 139 0200 000$1\",\"company\":\"公司$1\",\"message\":\"想了解企业版价格\",\"externalId\":\"legacy-$1\"}" || true; echo; }
mention() { curl -s -m 30 -H 'X-Api-Key: test-ingest-key-0123456789abcdef' -H 'Content-Type: application/json' http://127.0.0.1:$PORT/api/v1/mentions -d "{\"source\":\"weibo\",\"externalId\":\"legacy-m$1\",\"author\":{\"id\":\"fan$1\",\"name\":\"粉丝$1\"},\"text\":\"请问企业版多少钱？\"}" || true; echo; }
settle() { sleep 6; }
start "lead.create:committed#2"
lead 1; settle; lead 2; wait $PID || true
start "lead.create:committed#3"
settle; lead 3; settle; mention 4; wait $PID || true
start ""
settle; lead 5; settle; mention 6; settle; settle
kill -INT $PID; wait $PID || true
