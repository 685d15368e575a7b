using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scrm.Community.Storage;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Community.Tests;

/// <summary>
/// The shared hostile corpus through every community endpoint that takes a body, over real HTTP on
/// a host with a conversation, a reply template and the fake channel server: each body is refused
/// with a 4xx and problem details, each refusal is logged, and nothing is stored or sent.
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private readonly LogCapture _logs = new();
    private FakeChannelServer _fake = null!;
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _app = new ScrmApp(settings: InboxApp.Settings(_fake.WeChat), services: s => s.AddSingleton<ILoggerProvider>(_logs));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    /// <summary>Every row the community module keeps, counted per table.</summary>
    private async Task<string> StoredAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>().CreateDbContextAsync(Ct);
        return string.Join(", ",
            $"conversations {await db.Conversations.CountAsync(Ct)} (versions {await db.Conversations.SumAsync(c => c.Version, Ct)})",
            $"messages {await db.Messages.CountAsync(Ct)}",
            $"assignments {await db.Assignments.CountAsync(Ct)}",
            $"notifications {await db.Notifications.CountAsync(Ct)}",
            $"surveys {await db.Surveys.CountAsync(Ct)}",
            $"templates {await db.ReplyTemplates.CountAsync(Ct)} (versions {await db.ReplyTemplates.SumAsync(t => t.Version, Ct)})",
            $"corrections {await db.Corrections.CountAsync(Ct)}",
            $"lexicons {await db.Lexicons.CountAsync(Ct)}",
            $"calendar years {await db.CalendarYears.CountAsync(Ct)}",
            $"articles {await db.Articles.CountAsync(Ct)} (versions {await db.Articles.SumAsync(a => a.Version, Ct)}, uses {await db.Articles.SumAsync(a => a.Uses, Ct)})",
            $"model versions {await db.ModelVersions.CountAsync(Ct)}");
    }

    private static (string ContentType, byte[] Body)? BodyOf(JsonElement c)
    {
        var id = c.GetProperty("id").GetString()!;
        if (!c.TryGetProperty("file", out var file) && id is not ("json-deep-nesting" or "json-huge-string"))
        {
            return null;
        }

        // Every body goes out labelled JSON, as a careless or hostile caller sends it (another content type is refused by routing with 415 before any endpoint runs).
        return ("application/json", Hostile.Body(id));
    }

    [Fact]
    public async Task Every_hostile_body_to_every_community_endpoint_is_refused_with_problem_details_logged_and_nothing_is_stored_or_sent()
    {
        using var admin = _app.ClientFor("admin");
        await _app.WeChatMessageAtAsync("oHostile", "hostile-1", "敌意测试：订单什么时候发货？", DateTimeOffset.UtcNow, Ct);
        var row = await InboxApp.PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var found = page.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("assignee").ValueKind == JsonValueKind.String);
            return found.ValueKind == JsonValueKind.Object ? found : null;
        });
        var id = row.GetProperty("id").GetInt64();
        using var agent = _app.Agent(row.GetProperty("assignee").GetString()!);
        var detail = await agent.ConversationAsync(id);
        var messageId = detail.GetProperty("messages").EnumerateArray().First().GetProperty("id").GetInt64();
        var created = await agent.PostAsJsonAsync("/api/v1/community/templates", new { name = "问候", body = "您好，{{ customer.name }}" }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var templateId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        var article = await admin.PostAsJsonAsync("/api/v1/community/articles", new { title = "发货时间", body = "下单后 48 小时内发货。" }, Ct);
        article.StatusCode.ShouldBe(HttpStatusCode.Created);
        var articleId = (await article.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        // The workflow that watches the conversation settles (it waits for the reply) before the count.
        await Task.Delay(1_000, Ct);

        (string Method, string Path, string Role)[] endpoints =
        [
            ("POST", $"/api/v1/conversations/{id}/assign", "community"),
            ("POST", $"/api/v1/conversations/{id}/take-over", "community"),
            ("POST", $"/api/v1/conversations/{id}/resolve", "community"),
            ("POST", $"/api/v1/conversations/{id}/reopen", "community"),
            ("POST", $"/api/v1/conversations/{id}/messages/{messageId}/intent", "community"),
            ("POST", $"/api/v1/conversations/{id}/notes", "community"),
            ("POST", $"/api/v1/conversations/{id}/replies", "community"),
            ("POST", $"/api/v1/conversations/{id}/preview", "community"),
            ("POST", "/api/v1/community/templates", "community"),
            ("PUT", $"/api/v1/community/templates/{templateId}", "community"),
            ("POST", "/api/v1/community/classify", "community"),
            ("POST", "/api/v1/community/corrections", "community"),
            ("PUT", "/api/v1/community/lexicon", "community"),
            ("PUT", "/api/v1/community/calendar/2027", "admin"),
            ("POST", "/api/v1/community/articles", "admin"),
            ("PUT", $"/api/v1/community/articles/{articleId}", "admin"),
            ("POST", $"/api/v1/conversations/{id}/drafts", "community"),
        ];
        var cases = Hostile.Cases().Select(c => (Id: c.GetProperty("id").GetString()!, Body: BodyOf(c))).Where(c => c.Body is not null).ToList();
        cases.Count.ShouldBeGreaterThan(30);
        var stored = await StoredAsync();
        var lexicon = await agent.GetStringAsync("/api/v1/community/lexicon", Ct);
        var calendar = await agent.GetStringAsync("/api/v1/community/calendar", Ct);
        var sentBefore = _fake.State.Calls.Count;

        var failures = new List<string>();
        foreach (var (method, path, role) in endpoints)
        {
            using var client = role == "admin" ? _app.ClientFor("admin") : _app.Agent(row.GetProperty("assignee").GetString()!);
            foreach (var (caseId, body) in cases)
            {
                var logged = _logs.Lines.Count;
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(body!.Value.Body) };
                request.Content.Headers.ContentType = new(body.Value.ContentType);
                request.Headers.Add("Idempotency-Key", $"hostile-{caseId}");
                // A body over the limit is refused before it is read: the client waits for the go-ahead instead of pushing all of it.
                request.Headers.ExpectContinue = true;
                using var response = await client.SendAsync(request, Ct);
                var status = (int)response.StatusCode;
                if (status is < 400 or > 499 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{method} {path} {caseId}: {status} {response.Content.Headers.ContentType?.MediaType} {Truncate(await response.Content.ReadAsStringAsync(Ct))}");
                    continue;
                }

                if (!_logs.Lines.Skip(logged).Any(l => l.Contains(path, StringComparison.Ordinal) && l.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)))
                {
                    failures.Add($"{method} {path} {caseId}: {status} without a log line naming the path and status");
                }
            }
        }

        // Actions whose only input is their path refuse any body, whatever its content type, before they act.
        var models = await admin.GetStringAsync("/api/v1/community/models", Ct);
        var modelVersion = JsonDocument.Parse(models).RootElement.EnumerateArray().First().GetProperty("version").GetString();
        (string Method, string Path, string Role)[] bodiless =
        [
            ("POST", "/api/v1/community/models/retrain", "admin"),
            ("POST", $"/api/v1/community/models/{modelVersion}/activate", "admin"),
            ("POST", "/api/v1/community/models/rollback", "admin"),
            ("DELETE", $"/api/v1/community/templates/{templateId}", "community"),
            ("DELETE", $"/api/v1/community/articles/{articleId}?version=1", "admin"),
        ];
        foreach (var (method, path, role) in bodiless)
        {
            using var client = role == "admin" ? _app.ClientFor("admin") : _app.Agent(row.GetProperty("assignee").GetString()!);
            foreach (var (caseId, body) in cases)
            {
                foreach (var contentType in new[] { "application/json", OwnContentType(caseId) })
                {
                    var logged = _logs.Lines.Count;
                    using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(body!.Value.Body) };
                    request.Content.Headers.ContentType = new(contentType);
                    request.Headers.ExpectContinue = true;
                    using var response = await client.SendAsync(request, Ct);
                    var status = (int)response.StatusCode;
                    var answer = await response.Content.ReadAsStringAsync(Ct);
                    if (status is not (400 or 413) || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                        || (status == 400 && !JsonDocument.Parse(answer).RootElement.GetProperty("errors").TryGetProperty("body", out _)))
                    {
                        failures.Add($"{method} {path} {caseId} as {contentType}: {status} {response.Content.Headers.ContentType?.MediaType} {Truncate(answer)}");
                    }
                    else if (!_logs.Lines.Skip(logged).Any(l => l.Contains(path.Split('?')[0], StringComparison.Ordinal) && l.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)))
                    {
                        failures.Add($"{method} {path} {caseId} as {contentType}: {status} without a log line naming the path and status");
                    }
                }
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
        (await admin.GetStringAsync("/api/v1/community/models", Ct)).ShouldBe(models);
        (await agent.GetAsync($"/api/v1/community/templates/{templateId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await agent.GetAsync("/health/ready", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StoredAsync()).ShouldBe(stored);
        (await agent.GetStringAsync("/api/v1/community/lexicon", Ct)).ShouldBe(lexicon);
        (await agent.GetStringAsync("/api/v1/community/calendar", Ct)).ShouldBe(calendar);
        (await agent.ConversationAsync(id)).GetProperty("conversation").GetProperty("version").GetInt32()
            .ShouldBe(detail.GetProperty("conversation").GetProperty("version").GetInt32());
        _fake.State.Calls.Count.ShouldBe(sentBefore);
        // Without a body the same actions still act.
        (await agent.DeleteAsync($"/api/v1/community/templates/{templateId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.PostAsync($"/api/v1/community/models/{modelVersion}/activate", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Payloads stay out of the log.
        _logs.Lines.ShouldNotContain(l => l.Contains("<script>", StringComparison.Ordinal) || l.Contains("DROP TABLE", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_webhook_shaped_body_does_not_pass_for_a_version_and_a_body_with_the_version_still_works()
    {
        using var admin = _app.ClientFor("admin");
        await _app.WeChatMessageAtAsync("oShape", "shape-1", "形状测试：想问一下价格", DateTimeOffset.UtcNow, Ct);
        var row = await InboxApp.PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var found = page.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("assignee").ValueKind == JsonValueKind.String);
            return found.ValueKind == JsonValueKind.Object ? found : null;
        });
        var id = row.GetProperty("id").GetInt64();
        using var agent = _app.Agent(row.GetProperty("assignee").GetString()!);
        var webhook = "{\"source\":\"x\",\"externalId\":\"1\",\"text\":\"t\"}";

        foreach (var action in new[] { "take-over", "resolve", "reopen" })
        {
            foreach (var body in new[] { webhook, "{}", "null", "{\"version\":null}", "{\"version\":-1}", "{\"version\":1,\"extra\":true}" })
            {
                using var response = await agent.PostAsync($"/api/v1/conversations/{id}/{action}", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
                response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{action} {body}");
                response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            }
        }

        // A number written as a string is not a version: 400 naming the field, on every endpoint that takes one.
        var template = await agent.PostAsJsonAsync("/api/v1/community/templates", new { name = "版本", body = "您好" }, Ct);
        var templateId = (await template.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        (string Path, string Body, string Field)[] typed =
        [
            ($"/api/v1/conversations/{id}/take-over", "{\"version\":\"1\"}", "version"),
            ($"/api/v1/conversations/{id}/resolve", "{\"version\":\"1\"}", "version"),
            ($"/api/v1/conversations/{id}/reopen", "{\"version\":\"0\"}", "version"),
            ($"/api/v1/conversations/{id}/assign", "{\"to\":\"agent-a\",\"version\":\"1\"}", "version"),
            ($"/api/v1/conversations/{id}/replies", "{\"text\":\"您好\",\"version\":\"1\"}", "version"),
            ($"/api/v1/conversations/{id}/preview", "{\"templateId\":\"1\"}", "templateId"),
            ($"/api/v1/conversations/{id}/notes", "{\"text\":5}", "text"),
            ($"/api/v1/community/templates/{templateId}", "{\"name\":\"版本\",\"body\":\"您好\",\"version\":\"1\"}", "version"),
        ];
        foreach (var (path, body, field) in typed)
        {
            using var request = new HttpRequestMessage(path.Contains("/templates/", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, path)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", "typed-1");
            using var response = await agent.SendAsync(request, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{path} {body}");
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
            errors.TryGetProperty(field, out var message).ShouldBeTrue($"{path} {body}: {errors}");
            message[0].GetString()!.ShouldContain(field);
        }

        (await agent.GetFromJsonAsync<JsonElement>($"/api/v1/community/templates/{templateId}", Ct)).GetProperty("version").GetInt32().ShouldBe(1);
        _fake.State.Calls.ShouldBeEmpty();

        var detail = await agent.ConversationAsync(id);
        detail.GetProperty("conversation").GetProperty("status").GetString().ShouldBe("open");
        var version = detail.GetProperty("conversation").GetProperty("version").GetInt32();
        var resolved = await agent.PostAsJsonAsync($"/api/v1/conversations/{id}/resolve", new { version }, Ct);
        resolved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await resolved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString().ShouldBe("resolved");
        (await agent.PostAsJsonAsync($"/api/v1/conversations/{id}/reopen", new { version }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Hostile_texts_in_a_note_are_kept_verbatim_as_data()
    {
        using var admin = _app.ClientFor("admin");
        await _app.WeChatMessageAtAsync("oNote", "note-1", "备注测试：发票怎么开", DateTimeOffset.UtcNow, Ct);
        var row = await InboxApp.PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var found = page.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("assignee").ValueKind == JsonValueKind.String);
            return found.ValueKind == JsonValueKind.Object ? found : null;
        });
        var id = row.GetProperty("id").GetInt64();
        using var agent = _app.Agent(row.GetProperty("assignee").GetString()!);
        var texts = Hostile.Texts().Where(t => t.Length is > 0 and <= 2_000 && !string.IsNullOrWhiteSpace(t) && !t.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))).ToList();
        texts.Count.ShouldBeGreaterThan(10);

        foreach (var text in texts)
        {
            (await agent.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { text }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>().CreateDbContextAsync(Ct);
        var notes = await db.Messages.Where(m => m.ConversationId == id && m.Direction == MessageDirections.Note).OrderBy(m => m.Id).Select(m => m.Text ?? "").ToListAsync(Ct);
        notes.ShouldBe(texts);
        _fake.State.Calls.ShouldBeEmpty();
    }

    private static string OwnContentType(string caseId)
    {
        var file = Hostile.Cases().Single(c => c.GetProperty("id").GetString() == caseId).TryGetProperty("file", out var f) ? f.GetString()! : "x.json";
        return Path.GetExtension(file) switch
        {
            ".xml" => "application/xml",
            ".html" => "text/html",
            ".json" => "application/json",
            _ => "text/plain",
        };
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300];
}
