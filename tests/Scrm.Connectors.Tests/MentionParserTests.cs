using System.Text.Json;
using Scrm.Connectors.Web.Mentions;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;

namespace Scrm.Connectors.Tests;

public sealed class MentionParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private const string Valid = """{"source":"Weibo","externalId":"m1","author":{"id":"u1","name":"小王"},"text":"客户管理","url":"https://weibo.com/1","createdAt":"2026-11-24T17:46:55+08:00","metadata":{"likes":3,"topic":"CRM"}}""";

    private static (IReadOnlyList<InboundItem> Items, IDictionary<string, string[]> Errors) Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var (items, errors) = MentionParser.Parse(doc.RootElement, Now);
        return (items, errors.ToDictionary());
    }

    [Fact]
    public void A_valid_mention_becomes_a_journal_item_keyed_by_source_and_external_id()
    {
        var (items, errors) = Parse(Valid);
        errors.ShouldBeEmpty();
        var item = items.ShouldHaveSingleItem();
        item.IdempotencyKey.ShouldBe("webhook:weibo:m1");
        item.Kind.ShouldBe(InboundKind.Mention);
        item.OccurredAt.ShouldBe(new DateTimeOffset(2026, 11, 24, 9, 46, 55, TimeSpan.Zero));
        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MentionPayload)!;
        payload.Author.ShouldBe(new Person("u1", "小王"));
        payload.Text.ShouldBe("客户管理");
        payload.Metadata!["likes"].GetInt32().ShouldBe(3);
    }

    [Theory]
    [InlineData("""{"source":1,"externalId":{"a":1},"text":["x"]}""", "source", "must be a string")]
    [InlineData("""{"source":"x","externalId":"1","author":{"id":"u"},"text":"t","createdAt":"2026-11-24T10:00:00"}""", "createdAt", "must be an ISO 8601 time with an offset, e.g. 2026-05-31T17:46:55+08:00")]
    [InlineData("""{"source":"x","externalId":"1","author":{"id":"u"},"text":"t","createdAt":"2030-01-01T10:00:00Z"}""", "createdAt", "is more than a day in the future")]
    [InlineData("""{"source":"x","externalId":"1","author":{"id":"u"},"text":"a\u0000b","createdAt":"2026-11-24T10:00:00Z"}""", "text", "contains a NUL character")]
    [InlineData("""{"source":"x","externalId":"1","author":{"id":"u"},"text":"\ud800 half","createdAt":"2026-11-24T10:00:00Z"}""", "text", "is not valid Unicode text (invalid UTF-8 or an unpaired surrogate)")]
    [InlineData("""{"source":"x","externalId":"4","externalId":"5","author":{"id":"u"},"text":"t","createdAt":"2026-11-24T10:00:00Z"}""", "externalId", "appears more than once")]
    [InlineData("""{"source":"x y","externalId":"1","author":{"id":"u"},"text":"t","createdAt":"2026-11-24T10:00:00Z"}""", "source", "may contain only letters, digits and . _ : -")]
    [InlineData("""{"source":"x","externalId":"1","author":{"id":"u"},"text":"t","createdAt":"2026-11-24T10:00:00Z","url":"javascript:alert(1)"}""", "url", "must be an absolute http or https URL")]
    [InlineData("""{"source":"x","externalId":"1","author":{"id":"u"},"text":"t","createdAt":"2026-11-24T10:00:00Z","extra":1}""", "extra", "is not a known field")]
    [InlineData("""{"source":"x","externalId":"1","author":{"id":"u"},"text":"t","createdAt":"2026-11-24T10:00:00Z","metadata":{"a":{"b":1}}}""", "metadata.a", "must be a string, number, boolean or null")]
    [InlineData("""{"source":"x","externalId":"1","author":{},"text":"  ","createdAt":"2026-11-24T10:00:00Z"}""", "author.id", "is required")]
    [InlineData("""[]""", "$", "must contain at least one mention")]
    [InlineData("""42""", "$", "must be a mention object or an array of them")]
    public void Invalid_mentions_name_the_field_and_the_reason(string json, string field, string reason)
    {
        var (items, errors) = Parse(json);
        items.ShouldBeEmpty();
        errors.ShouldContainKey(field);
        errors[field].ShouldContain(reason);
    }

    [Fact]
    public void A_mention_without_author_or_time_is_anonymous_and_happened_on_receipt()
    {
        var (items, errors) = Parse("""{"source":"x","externalId":"1","text":"t"}""");
        errors.ShouldBeEmpty();
        var item = items.ShouldHaveSingleItem();
        item.OccurredAt.ShouldBe(Now);
        JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MentionPayload)!.Author.ShouldBeNull();
    }

    [Fact]
    public void One_bad_item_in_an_array_fails_the_whole_request_and_names_every_bad_index()
    {
        var (items, errors) = Parse($"[{Valid}, {{\"source\":\"x\"}}, {Valid.Replace("m1", "m2")}, 7]");
        items.ShouldBeEmpty();
        errors.Keys.ShouldContain("[1].externalId");
        errors.Keys.ShouldContain("[3]");
        errors.Keys.ShouldNotContain(k => k.StartsWith("[0]") || k.StartsWith("[2]"));
    }

    [Fact]
    public void More_than_a_thousand_items_are_refused()
    {
        var (items, errors) = Parse("[" + string.Join(',', Enumerable.Repeat(Valid, 1_001)) + "]");
        items.ShouldBeEmpty();
        errors["$"].ShouldContain("must contain at most 1000 mentions");
    }

    [Fact]
    public void Markup_and_zero_width_names_are_kept_verbatim_as_data()
    {
        var (items, _) = Parse("""{"source":"x","externalId":"6","author":{"id":"u","name":"王\u200B小\u202E明"},"text":"<script>alert(1)</script>","createdAt":"2026-11-24T10:00:00Z"}""");
        var payload = JsonSerializer.Deserialize(items.ShouldHaveSingleItem().Payload, InboundJson.Default.MentionPayload)!;
        payload.Author!.Name.ShouldBe("王\u200B小\u202E明");
        payload.Text.ShouldBe("<script>alert(1)</script>");
    }
}
