using System.Text;
using System.Text.Json;
using Scrm.Connectors.Crawler;
using Scrm.Connectors.Crawler.Crawling;
using Scrm.Connectors.Crawler.Extraction;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.Crawler;

public sealed class CrawlerTests : IAsyncLifetime
{
    private TestSite _site = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _site = await TestSite.StartAsync();

    public async ValueTask DisposeAsync() => await _site.DisposeAsync();

    private Task<ModuleHost> StartAsync(TempDirectory data, int budget = 50) =>
        ModuleHost.StartAsync(StorageUnderTest.Sqlite, (s, c) => s.AddScrmIngestion(c).AddScrmCrawlerConnector(c), new Dictionary<string, string?>
        {
            ["Scrm:Connectors:Crawler:Sites:demo:Seeds:0"] = _site.Root.ToString(),
            ["Scrm:Connectors:Crawler:Sites:demo:AllowedHost"] = _site.Root.Host,
            ["Scrm:Connectors:Crawler:Sites:demo:MaxDepth"] = "2",
            ["Scrm:Connectors:Crawler:Sites:demo:PageBudget"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Scrm:Connectors:Crawler:Sites:demo:Delay"] = "00:00:00.005",
            ["Scrm:Connectors:Crawler:Sites:demo:MaxPageBytes"] = "262144",
            ["Scrm:Connectors:Crawler:Sites:demo:MaxRedirects"] = "3",
            ["Scrm:Connectors:Crawler:Sites:demo:Schedule"] = "",
            ["Scrm:Connectors:Crawler:Sites:demo:Keywords:0"] = "示例科技",
        }, data: data);

    [Fact]
    public async Task The_crawler_finds_the_expected_leads_and_stops_within_its_limits()
    {
        await using var host = await StartAsync(new TempDirectory("scrm-crawl"));

        var report = await host.Get<SiteCrawler>().CrawlAsync("demo", Ct);

        var paths = report.Visited.Select(u => new Uri(u).AbsolutePath).ToList();
        paths.ShouldBe(["/", "/contact", "/en/contact", "/malformed", "/hidden", "/html-meta-refresh-loop.html", "/huge", "/loop-a", "/deep1", "/loop-b", "/deep2", "/gbk"], ignoreOrder: true);
        paths.Count(p => p == "/html-meta-refresh-loop.html").ShouldBe(1);
        _site.Requests.ShouldNotContain(r => r.Path.StartsWith("/private", StringComparison.Ordinal) || r.Path == "/deep3" || r.Path == "/elsewhere");
        report.TooLarge.ShouldBe(1);
        report.BudgetSpent.ShouldBeFalse();

        var leads = await LeadsAsync(host);
        leads.Keys.ShouldBe(["/contact", "/en/contact", "/malformed", "/hidden", "/gbk"], ignoreOrder: true);
        Contact(leads["/contact"]).ShouldBe(("+8613800138000", "sales@example.com", "上海某某贸易有限公司"));
        leads["/contact"].Fields!["phones"].ShouldBe("+8613800138000");
        Contact(leads["/en/contact"]).ShouldBe(("+14155552671", "hello@acme.example", "Acme Widgets Inc."));
        Contact(leads["/malformed"]).ShouldBe(("+861088886666", "sales@example.com", "北京示例科技有限公司"));
        Contact(leads["/gbk"]).ShouldBe(("+8613912345678", "kefu@hz-example.cn", "杭州某某网络科技有限公司"));
        leads["/hidden"].Phone.ShouldBe(new PhoneValue("400-123-4567", null));
        leads["/hidden"].Fields!["phones"].ShouldNotContain("13800000000");
        leads.Values.ShouldAllBe(l => l.Origin.Channel == "crawler" && l.Origin.Form == "demo");
        report.Leads.ShouldBe(5);

        var mentions = (await host.Get<JournalReader>().ReadAsync(0, 100, Ct)).Where(e => e.Kind == InboundKind.Mention).ToList();
        mentions.Select(m => new Uri(JsonSerializer.Deserialize(m.Payload, InboundJson.Default.MentionPayload)!.Url!).AbsolutePath)
            .ShouldBe(["/", "/malformed"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_second_crawl_asks_conditionally_and_stores_nothing_new()
    {
        var data = new TempDirectory("scrm-crawl");
        var first = await StartAsync(data);
        await first.Get<SiteCrawler>().CrawlAsync("demo", Ct);
        await first.StopAsync();
        await using var second = await StartAsync(data);
        var before = await second.Get<JournalReader>().LastPositionAsync(Ct);

        var report = await second.Get<SiteCrawler>().CrawlAsync("demo", Ct);

        report.NotModified.ShouldBe(1);
        _site.Requests.ShouldContain(("/contact", 304));
        report.Leads.ShouldBe(0);
        report.Mentions.ShouldBe(0);
        (await second.Get<JournalReader>().LastPositionAsync(Ct)).ShouldBe(before);
    }

    [Fact]
    public async Task The_page_budget_bounds_the_requests()
    {
        await using var host = await StartAsync(new TempDirectory("scrm-crawl"), budget: 3);

        var report = await host.Get<SiteCrawler>().CrawlAsync("demo", Ct);

        report.Requests.ShouldBe(3);
        report.BudgetSpent.ShouldBeTrue();
        _site.Requests.Count(r => r.Path != "/robots.txt").ShouldBe(3);
    }

    private async Task<Dictionary<string, LeadPayload>> LeadsAsync(ModuleHost host) =>
        (await host.Get<JournalReader>().ReadAsync(0, 100, Ct))
            .Where(e => e.Kind == InboundKind.Lead)
            .Select(e => JsonSerializer.Deserialize(e.Payload, InboundJson.Default.LeadPayload)!)
            .ToDictionary(l => new Uri(l.Origin.PageUrl!).AbsolutePath);

    private static (string?, string?, string?) Contact(LeadPayload lead) => (lead.Phone?.E164, lead.Email, lead.Company);
}

public sealed class RobotsRulesTests
{
    private const string Robots = """
        User-agent: *
        Disallow: /private
        Allow: /private/press
        Disallow: /*.pdf$
        Crawl-delay: 2

        User-agent: ScrmCrawler
        User-agent: OtherBot
        Disallow: /drafts/
        """;

    [Theory]
    [InlineData("ScrmCrawler/1.0", "/", true)]
    [InlineData("ScrmCrawler/1.0", "/drafts/x", false)]
    [InlineData("ScrmCrawler/1.0", "/private", true)]
    [InlineData("SomeBot/2", "/private/x", false)]
    [InlineData("SomeBot/2", "/private/press/1", true)]
    [InlineData("SomeBot/2", "/files/a.pdf", false)]
    [InlineData("SomeBot/2", "/files/a.pdf?x=1", true)]
    public void The_most_specific_group_and_the_longest_rule_decide(string agent, string path, bool allowed) =>
        RobotsRules.Parse(Robots, agent).Allows(new Uri("http://example.com" + path)).ShouldBe(allowed);

    [Fact]
    public void Crawl_delay_comes_from_the_chosen_group() =>
        RobotsRules.Parse(Robots, "SomeBot/2").CrawlDelay.ShouldBe(TimeSpan.FromSeconds(2));
}

public sealed class ContactFinderTests
{
    [Theory]
    [InlineData("电话：１３８００１３８０００", "+8613800138000")]
    [InlineData("Tel: +86 138 0013 8000", "+8613800138000")]
    [InlineData("手机 0086-138-0013-8000。", "+8613800138000")]
    [InlineData("热线(+86)13800138000", "+8613800138000")]
    [InlineData("总机 010-88886666 转 8", "+861088886666")]
    [InlineData("Phone +86 10 8888 6666", "+861088886666")]
    [InlineData("Call +44 20 7946 0958 today", "+442079460958")]
    public void Phones_in_chinese_and_western_writing_are_found_and_normalised(string text, string e164) =>
        ContactFinder.Find(new TextBlock(text, [], false)).Phones.Select(p => p.E164).ShouldContain(e164);

    [Theory]
    [InlineData("更新于 2026-11-24")]
    [InlineData("订单号 ORD-20261124-0001")]
    [InlineData("价格 1299.00 元")]
    [InlineData("138 0013 800")]
    public void Dates_order_numbers_prices_and_short_numbers_are_not_phones(string text) =>
        ContactFinder.Find(new TextBlock(text, [], false)).Phones.ShouldBeEmpty();

    [Fact]
    public void Emails_are_normalised_and_invalid_ones_dropped()
    {
        var found = ContactFinder.Find(new TextBlock("Sales@Example.COM ｓａｌｅｓ＠ｅｘａｍｐｌｅ．ｃｏｍ sales@example bad@@example.com", ["Info@Example.com"], false));

        found.Emails.ShouldBe(["sales@example.com", "info@example.com"]);
    }
}

public sealed class HtmlEncodingTests
{
    private static readonly Encoding Gbk = GetGbk();

    private static Encoding GetGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GBK");
    }

    private const string Body = "<body>杭州某某网络科技有限公司 电话 0571-88886666</body></html>";

    [Theory]
    [InlineData("<html><head><meta charset=\"gbk\"></head>", null)]
    [InlineData("<html><head><META CHARSET=GB2312></head>", null)]
    [InlineData("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head>", null)]
    [InlineData("<html><head><meta content='text/html; charset=GBK' http-equiv='content-type'></head>", "")]
    [InlineData("<html><head><meta charset=\"utf-8\"></head>", "gb2312")]
    public void Gbk_pages_declared_in_the_header_or_in_a_meta_tag_read_as_chinese(string head, string? headerCharset) =>
        HtmlEncoding.Decode(Gbk.GetBytes(head + Body), headerCharset).ShouldContain("杭州某某网络科技有限公司");

    [Theory]
    [InlineData("<html><head><meta charset=\"gbk\"></head>", "utf-8")]
    [InlineData("<html><head></head>", null)]
    [InlineData("<html><head><meta charset=\"x-no-such-charset\"></head>", "no-such-either")]
    [InlineData("<html><head><meta charset=\"utf-7\"></head>", "utf-7")]
    public void Utf8_pages_read_as_utf8_whatever_the_page_claims_when_the_header_says_otherwise(string head, string? headerCharset) =>
        HtmlEncoding.Decode(Encoding.UTF8.GetBytes(head + Body), headerCharset).ShouldContain("杭州某某网络科技有限公司");

    [Fact]
    public void A_byte_order_mark_outranks_every_declaration()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("<meta charset=\"gbk\">" + Body)).ToArray();

        var html = HtmlEncoding.Decode(bytes, "gbk");

        html.ShouldStartWith("<meta");
        html.ShouldContain("杭州某某网络科技有限公司");
    }

    [Fact]
    public void A_declaration_after_the_first_kilobyte_is_not_looked_for()
    {
        var bytes = Gbk.GetBytes("<html><head><!--" + new string('x', 1100) + "--><meta charset=\"gbk\"></head>" + Body);

        HtmlEncoding.Declared(bytes).ShouldBeNull();
        HtmlEncoding.Decode(bytes, null).ShouldNotContain("杭州某某网络科技有限公司");
    }
}
