using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Host.Tests;

public sealed class SqliteIngestApiTests(PostgresServer postgres, IngestApiTests.SharedApp shared)
    : IngestApiTests(postgres, shared, usePostgres: false), IClassFixture<IngestApiTests.SharedApp>;

public sealed class PostgresIngestApiTests(PostgresServer postgres, IngestApiTests.SharedApp shared)
    : IngestApiTests(postgres, shared, usePostgres: true), IClassFixture<IngestApiTests.SharedApp>;

/// <summary>
/// The ingest endpoints end to end over real HTTP, on each storage provider. The tests of one
/// class share one host and run one after another: each finds its own items by what it sent, and
/// "nothing stored" is a journal no longer than before the request.
/// </summary>
public abstract class IngestApiTests(PostgresServer postgres, IngestApiTests.SharedApp shared, bool usePostgres) : IAsyncLifetime
{
    /// <summary>The host of one test class, started by its first test.</summary>
    public sealed class SharedApp : IAsyncDisposable
    {
        public ScrmApp? App { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (App is not null)
            {
                await App.DisposeAsync();
            }
        }
    }

    private ScrmApp _app = null!;
    private HttpClient _ingest = null!;

    public async ValueTask InitializeAsync()
    {
        if (shared.App is null)
        {
            var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
            shared.App = new ScrmApp(storage, new Dictionary<string, string?>
            {
                ["Scrm:WebForms:Forms:contact:Name"] = "Contact",
                ["Scrm:WebForms:Forms:demo:RedirectUrl"] = "https://example.com/thanks",
                ["Scrm:WebForms:Forms:demo:Campaign"] = "spring-fair",
                ["Scrm:WebForms:PerIpPerMinute"] = "1000",
            });
        }

        _app = shared.App;
        _ingest = _app.ClientFor("ingest");
    }

    public ValueTask DisposeAsync()
    {
        _ingest.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Mention(string id, string text = "你好") =>
        $$"""{"source":"forum","externalId":"{{id}}","author":{"id":"u1","name":"小王"},"text":"{{text}}","createdAt":"2026-11-24T10:00:00+08:00"}""";

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        _ingest.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    private async Task<IReadOnlyList<JournalEntry>> JournalAsync() =>
        await _app.Services.GetRequiredService<JournalReader>().ReadAsync(0, 10_000, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_mention_is_acknowledged_with_its_position_after_the_commit()
    {
        var response = await PostJsonAsync("/api/v1/mentions", Mention("m-1"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var item = body.GetProperty("items")[0];
        item.GetProperty("status").GetString().ShouldBe("accepted");
        var position = item.GetProperty("position").GetInt64();
        var entry = (await JournalAsync()).Single(e => e.IdempotencyKey == "webhook:forum:m-1");
        entry.Position.ShouldBe(position);
        JsonSerializer.Deserialize(entry.Payload, InboundJson.Default.MentionPayload)!.Text.ShouldBe("你好");
    }

    [Fact]
    public async Task Duplicate_deliveries_in_and_across_requests_are_stored_once()
    {
        var first = await PostJsonAsync("/api/v1/mentions", $"[{Mention("d-1")},{Mention("d-2")},{Mention("d-1")}]");
        var again = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostJsonAsync("/api/v1/mentions", Mention("d-2"))));

        var statuses = (await first.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()).ToArray();
        statuses.ShouldBe(["accepted", "accepted", "duplicate"]);
        foreach (var response in again)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken))
                .GetProperty("duplicates").GetInt32().ShouldBe(1);
        }

        (await JournalAsync()).Count(e => e.IdempotencyKey.StartsWith("webhook:forum:d-", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task One_invalid_item_rejects_the_request_naming_the_index_and_stores_nothing()
    {
        var before = (await JournalAsync()).Count;
        var response = await PostJsonAsync("/api/v1/mentions", $"[{Mention("v-1")},{{\"source\":\"forum\"}},{Mention("v-3")}]");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        errors.TryGetProperty("[1].externalId", out _).ShouldBeTrue();
        errors.EnumerateObject().ShouldAllBe(e => e.Name.StartsWith("[1]", StringComparison.Ordinal));
        (await JournalAsync()).Count.ShouldBe(before);
    }

    [Fact]
    public async Task A_lead_resubmitted_with_different_spacing_and_full_width_digits_is_one_lead()
    {
        var leads = await File.ReadAllTextAsync(Repo.Fixture("hostile", "lead-duplicates.json"), TestContext.Current.CancellationToken);
        var response = await PostJsonAsync("/api/v1/ingest/leads", leads);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        body.GetProperty("accepted").GetInt32().ShouldBe(1);
        body.GetProperty("duplicates").GetInt32().ShouldBe(2);
        var lead = (await JournalAsync()).Where(e => e.Kind == Ingestion.InboundKind.Lead && e.Channel == "api")
            .Select(e => JsonSerializer.Deserialize(e.Payload, InboundJson.Default.LeadPayload)!).Single(l => l.Name == "王小明");
        lead.Phone!.E164.ShouldBe("+8613800138000");
    }

    [Fact]
    public async Task A_lead_posted_to_the_earlier_ingest_address_is_the_same_lead()
    {
        const string lead = """{"name":"韩梅梅","phone":"13900139000","externalId":"alias-1"}""";
        var posted = await PostJsonAsync("/api/v1/ingest/leads", lead);
        var again = await PostJsonAsync("/api/v1/leads", lead);

        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var first = (await posted.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("items")[0];
        var second = (await again.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("items")[0];
        first.GetProperty("status").GetString().ShouldBe("accepted");
        second.GetProperty("status").GetString().ShouldBe("duplicate");
        second.GetProperty("position").GetInt64().ShouldBe(first.GetProperty("position").GetInt64());
        (await PostJsonAsync("/api/v1/leads", """{"name":"李雷","email":"sales@@example.com"}""")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_invalid_email_in_a_lead_is_a_field_error()
    {
        var response = await PostJsonAsync("/api/v1/ingest/leads", """{"name":"李雷","email":"sales@@example.com"}""");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        errors.TryGetProperty("email", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_phone_that_is_no_plausible_number_is_refused_saying_why_and_nothing_is_stored()
    {
        using var client = _app.CreateClient();
        var before = (await JournalAsync()).Count;
        foreach (var (phone, language, reason) in new[]
        {
            ("12345", "zh-CN", "不是有效的电话号码：有 5 位数字"), ("12345", "en", "has 5 digits"),
            ("0755-2345678", "", "不是大陆固定电话"), ("0755-2345678", "en", "is not a mainland landline"),
            ("+1 415 555", "zh", "作为 +1 号码位数太少"), ("+1 415 555", "en-US", "too short for a +1 number"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/forms/contact")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "王小明", ["phone"] = phone }),
            };
            if (language.Length > 0)
            {
                request.Headers.AcceptLanguage.ParseAdd(language);
            }

            var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, phone);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
            errors.GetProperty("phone")[0].GetString().ShouldNotBeNull().ShouldContain(reason);
        }

        (await JournalAsync()).Count.ShouldBe(before);
    }

    [Fact]
    public async Task A_web_form_post_becomes_a_lead_with_its_form_campaign_and_utm_source()
    {
        using var client = _app.CreateClient();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "韩梅梅",
            ["mobile"] = "+86 139 0000 1111",
            ["company"] = "示例科技",
            ["utm_source"] = "baidu",
            ["budget"] = "50万",
        });
        var response = await client.PostAsync("/forms/demo", form, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var lead = (await JournalAsync()).Where(e => e.Channel == "web" && e.Account == "demo")
            .Select(e => JsonSerializer.Deserialize(e.Payload, InboundJson.Default.LeadPayload)!).Single(l => l.Name == "韩梅梅");
        lead.Phone!.E164.ShouldBe("+8613900001111");
        lead.Origin.Campaign.ShouldBe("spring-fair");
        lead.Origin.UtmSource.ShouldBe("baidu");
        lead.Fields!["budget"].ShouldBe("50万");
    }

    [Fact]
    public async Task A_browser_is_redirected_after_a_form_post_when_the_form_has_a_thank_you_page()
    {
        using var client = _app.ClientWithoutRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/forms/demo")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "visitor@example.com" }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldBe("https://example.com/thanks");
    }

    [Fact]
    public async Task A_filled_honeypot_is_answered_like_success_and_stores_nothing()
    {
        using var client = _app.CreateClient();
        var before = (await JournalAsync()).Count;
        var response = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "bot",
            ["phone"] = "13800000000",
            ["_gotcha"] = "http://spam.example",
        }), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await JournalAsync()).Count.ShouldBe(before);
    }

    [Theory]
    [InlineData("/forms/unknown", "application/x-www-form-urlencoded", HttpStatusCode.NotFound)]
    [InlineData("/forms/contact", "application/json", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("/forms/contact", "multipart/form-data; boundary=x", HttpStatusCode.UnsupportedMediaType)]
    public async Task Bad_form_requests_get_problem_details(string path, string contentType, HttpStatusCode expected)
    {
        using var client = _app.CreateClient();
        var content = new StringContent(contentType.StartsWith("multipart", StringComparison.Ordinal) ? "--x--\r\n" : "phone=13800000000", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(expected);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Formula_text_is_data_in_free_text_fields_and_an_error_in_a_phone_field()
    {
        using var client = _app.CreateClient();
        var formula = await File.ReadAllTextAsync(Repo.Fixture("hostile", "csv-formula-0.txt"), TestContext.Current.CancellationToken);
        var accepted = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = formula,
            ["company"] = formula,
            ["email"] = "formula@example.com",
        }), TestContext.Current.CancellationToken);
        var refused = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "x",
            ["phone"] = formula,
        }), TestContext.Current.CancellationToken);

        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var lead = JsonSerializer.Deserialize((await JournalAsync()).Single(e => e.Payload.Contains("formula@example.com", StringComparison.Ordinal)).Payload, InboundJson.Default.LeadPayload)!;
        lead.Name.ShouldBe(formula.Trim());
    }

    [Fact]
    public async Task A_browser_posting_a_form_without_a_thank_you_page_gets_a_small_page_and_an_api_client_gets_json()
    {
        using var client = _app.ClientWithoutRedirects();
        using var browser = new HttpRequestMessage(HttpMethod.Post, "/forms/contact")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "browser@example.com" }),
        };
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var page = await client.SendAsync(browser, TestContext.Current.CancellationToken);
        page.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain("谢谢");
        html.ShouldContain("Contact");

        var api = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "api@example.com" }), TestContext.Current.CancellationToken);
        api.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
    }

    public static TheoryData<string, byte[]> BadFormText() => new()
    {
        { "an escaped NUL", "name=a%00b&phone=13800000000"u8.ToArray() },
        { "raw invalid bytes", [.. "name="u8, 0xC0, 0xAF, 0xFF, .. "&phone=13800000001"u8] },
        { "an overlong and a surrogate escape", "name=%C0%AF%ED%A0%80&phone=13800000002"u8.ToArray() },
        { "a control character", "name=a%07b&phone=13800000003"u8.ToArray() },
        { "a broken escape", "name=100%&phone=13800000004"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(BadFormText))]
    public async Task Form_text_that_is_not_clean_utf8_is_a_field_error_and_stores_nothing(string what, byte[] body)
    {
        using var client = _app.CreateClient();
        var before = (await JournalAsync()).Count;
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var response = await client.PostAsync("/forms/contact", content, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, what);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        problem.GetProperty("errors").TryGetProperty("name", out _).ShouldBeTrue(what);
        (await JournalAsync()).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Raw_utf8_in_a_form_as_curl_sends_it_is_taken_as_written()
    {
        using var client = _app.CreateClient();
        var content = new ByteArrayContent("name=王小明&phone=138 0013 8000&company=示例科技&message=第一行%0D%0A第二行"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        (await client.PostAsync("/forms/contact", content, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var lead = (await JournalAsync()).Where(e => e.Kind == Scrm.Ingestion.InboundKind.Lead)
            .Select(e => JsonSerializer.Deserialize(e.Payload, InboundJson.Default.LeadPayload)!).Last(l => l.Name == "王小明");
        lead.Company.ShouldBe("示例科技");
        lead.Message.ShouldBe("第一行\r\n第二行");
    }
}
