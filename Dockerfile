# The Scrm host for the scaled deployment (docker-compose.yml). Build from the repository root.
# tests/Scrm.Host.Tests/DockerLayoutTests.cs lays out this image without Docker (the COPY
# lines, the publish command, ENV, EXPOSE and HEALTHCHECK below) and starts it: keep them plain.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
COPY connectors/ connectors/
COPY workflows/ workflows/
RUN dotnet publish src/Scrm.Host/Scrm.Host.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    Scrm__Storage__DataDirectory=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["dotnet", "Scrm.Host.dll", "healthcheck"]
USER $APP_UID
ENTRYPOINT ["dotnet", "Scrm.Host.dll"]
