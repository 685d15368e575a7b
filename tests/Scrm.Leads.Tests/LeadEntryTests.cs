using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using Scrm.Platform.Text;
using Scrm.Testing;

namespace Scrm.Leads.Tests;

public sealed class SqliteLeadEntryTests(PostgresServer postgres) : LeadEntryTests(postgres, usePostgres: false);

public sealed class PostgresLeadEntryTests(PostgresServer postgres) : LeadEntryTests(postgres, usePostgres: true);

/// <summary>Sales enter leads by hand and import them from the files offices make, through the real host and the shipped lead-conversion workflow, on each provider.</summary>
public abstract class LeadEntryTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ScrmApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        var settings = RoutingConcurrencyTests.Team();
        settings.Remove("Scrm:Scheduling:Store");
        settings["Scrm:WebForms:Forms:contact:Name"] = "Contact";
        // The first lead after start waits for identity resolution to catch up: on a loaded machine that passes 5 s.
        settings["Scrm:Leads:EntryRoutedWithin"] = "00:01:00";
        foreach (var (i, rep) in new[] { (5, "rep-a"), (6, "rep-z") })
        {
            // rep-z has the sales role but is in no team.
            settings[$"Scrm:Auth:ApiKeys:{i}:Key"] = Key(rep);
            settings[$"Scrm:Auth:ApiKeys:{i}:Role"] = "sales";
            settings[$"Scrm:Auth:ApiKeys:{i}:Name"] = rep;
        }

        _app = new ScrmApp(storage, settings);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static string Key(string rep) => $"{rep}-key-0123456789abcdef";

    private HttpClient Rep(string rep, string? language = null)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Key(rep));
        if (language is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        }

        return client;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rep_enters_a_lead_from_a_business_card_and_it_is_routed_like_any_other_lead_once()
    {
        using var rep = Rep("rep-a");
        var card = new { name = "刘经理", phone = "139 1234 5678", company = "华东贸易", title = "采购经理", province = "上海", city = "上海", source = "名片", message = "展会上交换的名片" };

        var entered = await rep.PostAsJsonAsync("/api/v1/leads/manual", card, Ct);
        entered.StatusCode.ShouldBe(HttpStatusCode.Created, await entered.Content.ReadAsStringAsync(Ct));
        var answer = await entered.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = answer.GetProperty("leadId").GetInt64();
        answer.GetProperty("owner").GetString().ShouldStartWith("rep-");
        entered.Headers.Location!.ToString().ShouldBe($"/api/v1/leads/{id}");

        using var admin = _app.ClientFor("admin");
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}", Ct);
        detail.GetProperty("phone").GetString().ShouldBe("+8613912345678");
        detail.GetProperty("company").GetString().ShouldBe("华东贸易");
        detail.GetProperty("province").GetString().ShouldBe("上海");
        detail.GetProperty("source").GetProperty("channel").GetString().ShouldBe("名片");
        detail.GetProperty("source").GetProperty("account").GetString().ShouldBe("rep-a");
        var assignment = detail.GetProperty("assignments").EnumerateArray().ShouldHaveSingleItem();
        assignment.GetProperty("kind").GetString().ShouldBe("routed");
        assignment.GetProperty("by").GetString().ShouldBe("workflow:lead-conversion");

        // The same card entered again (a double click, a second try) is the same lead.
        var again = await rep.PostAsJsonAsync("/api/v1/leads/manual", card, Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var repeat = await again.Content.ReadFromJsonAsync<JsonElement>(Ct);
        repeat.GetProperty("duplicate").GetBoolean().ShouldBeTrue();
        repeat.GetProperty("leadId").GetInt64().ShouldBe(id);
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads", Ct)).GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_rep_who_asks_to_keep_the_lead_owns_it_even_outside_every_team_unless_the_customer_has_an_owner()
    {
        using var outsider = Rep("rep-z");
        var kept = await outsider.PostAsJsonAsync("/api/v1/leads/manual", new { name = "陈女士", phone = "13700001111", source = "电话", keep = true }, Ct);
        kept.StatusCode.ShouldBe(HttpStatusCode.Created, await kept.Content.ReadAsStringAsync(Ct));
        var answer = await kept.Content.ReadFromJsonAsync<JsonElement>(Ct);
        answer.GetProperty("owner").GetString().ShouldBe("rep-z");
        answer.GetProperty("pooled").GetBoolean().ShouldBeFalse();

        using var admin = _app.ClientFor("admin");
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{answer.GetProperty("leadId").GetInt64()}", Ct);
        detail.GetProperty("assignments")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString())
            .ShouldContain("rep-z entered the lead and keeps it");
        detail.GetProperty("followUps")[0].GetProperty("owner").GetString().ShouldBe("rep-z");

        // A customer who already has an owner stays with them: a second rep asking to keep them does not get them.
        using var rep = Rep("rep-a");
        var first = await (await rep.PostAsJsonAsync("/api/v1/leads/manual", new { name = "周先生", phone = "13700002222", source = "电话" }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var owner = first.GetProperty("owner").GetString()!;
        var lost = await admin.PostAsJsonAsync($"/api/v1/leads/{first.GetProperty("leadId").GetInt64()}/transitions", new { to = "lost", reason = "预算不足" }, Ct);
        lost.StatusCode.ShouldBe(HttpStatusCode.OK, await lost.Content.ReadAsStringAsync(Ct));
        var second = await outsider.PostAsJsonAsync("/api/v1/leads/manual", new { name = "周先生", phone = "13700002222", message = "又来电询价", keep = true }, Ct);
        second.StatusCode.ShouldBe(HttpStatusCode.Created, await second.Content.ReadAsStringAsync(Ct));
        var secondAnswer = await second.Content.ReadFromJsonAsync<JsonElement>(Ct);
        secondAnswer.GetProperty("leadId").GetInt64().ShouldNotBe(first.GetProperty("leadId").GetInt64());
        secondAnswer.GetProperty("owner").GetString().ShouldBe(owner);
    }

    [Fact]
    public async Task A_bad_entry_is_refused_field_by_field_in_the_reps_language_and_nothing_is_stored()
    {
        using var zh = Rep("rep-a");
        var refused = await zh.PostAsJsonAsync("/api/v1/leads/manual", new { name = "a\u0000b", phone = "12345", email = "not-an-address" }, Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        errors.GetProperty("phone")[0].GetString()!.ShouldStartWith("不是有效的电话号码");
        errors.GetProperty("email")[0].GetString()!.ShouldStartWith("不是有效的邮箱地址");
        errors.GetProperty("name")[0].GetString()!.ShouldStartWith("含有不允许的字符");

        using var en = Rep("rep-a", "en");
        var none = await en.PostAsJsonAsync("/api/v1/leads/manual", new { name = "无联系方式" }, Ct);
        none.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await none.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("phone")[0].GetString()
            .ShouldBe("a lead needs a phone number or an e-mail address");

        await Task.Delay(300, Ct);
        using var admin = _app.ClientFor("admin");
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads", Ct)).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await _app.ClientFor("ingest").PostAsJsonAsync("/api/v1/leads/manual", new { phone = "13700001111" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static readonly string[] Header = ["姓名", "手机", "公司", "省份", "城市", "来源", "备注"];

    // Rows 3 and 5 are bad: a phone that is no number, a row with neither phone nor e-mail.
    private static readonly string[][] Rows =
    [
        ["张伟", "13800138001", "北京远景科技", "北京", "北京", "展会", "需要报价"],
        ["李娜", "12345", "杭州云帆", "浙江", "杭州", "展会", ""],
        ["王芳", "13800138003", "深圳前海贸易", "广东", "深圳", "电话", ""],
        ["赵强", "", "成都蓉城", "四川", "成都", "名片", ""],
        ["孙丽", "13800138005", "", "", "", "转介绍", "老客户介绍"],
    ];

    private static string CsvText() =>
        string.Concat(new[] { Header }.Concat(Rows).Select(r => string.Join(',', r) + "\r\n"));

    private static ByteArrayContent Body(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static ByteArrayContent Gb18030Csv() => Body(UploadText.Gb18030Encoding.GetBytes(CsvText()), "text/csv");

    private static ByteArrayContent Utf8BomCsv() => Body([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(CsvText())], "text/csv");

    private static ByteArrayContent Xlsx()
    {
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, Rows.Select(r => Header.Select((h, i) => (h, v: i == 1 && long.TryParse(r[1], out var phone) ? (object)phone : r[i]))
            .ToDictionary(x => x.h, x => x.v)));
        return Body(stream.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }

    private async Task<JsonElement> ImportAsync(HttpClient client, HttpContent file)
    {
        var started = await client.PostAsync("/api/v1/leads/import", file, Ct);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync(Ct));
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        started.Headers.Location!.ToString().ShouldBe($"/api/v1/leads/imports/{id}");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement status;
        do
        {
            await Task.Delay(100, Ct);
            status = await client.GetFromJsonAsync<JsonElement>($"/api/v1/leads/imports/{id}", Ct);
        }
        while (status.GetProperty("status").GetString() != "done" && DateTime.UtcNow < deadline);

        status.GetProperty("status").GetString().ShouldBe("done");
        return status;
    }

    private async Task<List<JsonElement>> RoutedLeadsAsync(int count)
    {
        using var admin = _app.ClientFor("admin");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var items = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads", Ct)).GetProperty("items").EnumerateArray().ToList();
            if (items.Count >= count && items.All(l => l.GetProperty("owner").ValueKind == JsonValueKind.String) || DateTime.UtcNow > deadline)
            {
                return items;
            }

            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task Leads_import_from_a_gb18030_csv_with_chinese_headers_are_routed_bad_rows_are_reported_and_a_second_upload_adds_nothing()
    {
        using var rep = Rep("rep-a");

        var preview = await rep.PostAsync("/api/v1/leads/import?preview=true", Gb18030Csv(), Ct);
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        var shown = await preview.Content.ReadFromJsonAsync<JsonElement>(Ct);
        shown.GetProperty("kind").GetString().ShouldBe("leads");
        shown.GetProperty("encoding").GetString().ShouldBe("gb18030");
        shown.GetProperty("ready").GetBoolean().ShouldBeTrue();
        shown.GetProperty("rows").GetInt32().ShouldBe(5);
        shown.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("field").GetString())
            .ShouldBe(["name", "phone", "company", "province", "city", "source", "message"]);
        shown.GetProperty("sample")[0].GetProperty("cells").GetProperty("company").GetString().ShouldBe("北京远景科技");
        await Task.Delay(300, Ct);
        using var admin = _app.ClientFor("admin");
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads", Ct)).GetProperty("items").GetArrayLength().ShouldBe(0);

        var status = await ImportAsync(rep, Gb18030Csv());
        status.GetProperty("processed").GetInt32().ShouldBe(5);
        status.GetProperty("failed").GetInt32().ShouldBe(2);
        status.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("field").GetString()))
            .ShouldBe([(3, "phone"), (5, "phone")]);
        status.GetProperty("errors")[0].GetProperty("error").GetString()!.ShouldStartWith("不是有效的电话号码");
        status.GetProperty("errors")[1].GetProperty("error").GetString().ShouldBe("线索需要手机号或邮箱");
        status.GetProperty("errors")[0].TryGetProperty("english", out _).ShouldBeFalse();
        var inEnglish = await Rep("rep-a", "en").GetFromJsonAsync<JsonElement>($"/api/v1/leads/imports/{status.GetProperty("id").GetGuid()}", Ct);
        inEnglish.GetProperty("errors")[0].GetProperty("error").GetString()!.ShouldStartWith("has 5 digits");
        inEnglish.GetProperty("errors")[1].GetProperty("error").GetString().ShouldBe("a lead needs a phone number or an e-mail address");

        var leads = await RoutedLeadsAsync(3);
        leads.Count.ShouldBe(3);
        leads.ShouldAllBe(l => l.GetProperty("owner").GetString()!.StartsWith("rep-"));
        var wang = leads.Single(l => l.GetProperty("name").GetString() == "王芳");
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{wang.GetProperty("id").GetInt64()}", Ct);
        detail.GetProperty("city").GetString().ShouldBe("深圳");
        detail.GetProperty("source").GetProperty("channel").GetString().ShouldBe("电话");
        detail.GetProperty("assignments")[0].GetProperty("kind").GetString().ShouldBe("routed");

        // The same rows again, as a UTF-8 CSV with a BOM and as an .xlsx: the bad rows are reported again, nothing is added.
        foreach (var file in new[] { Utf8BomCsv(), Xlsx() })
        {
            var repeat = await ImportAsync(rep, file);
            repeat.GetProperty("failed").GetInt32().ShouldBe(2);
            repeat.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt32()).Distinct().ShouldBe([3, 5]);
        }

        await Task.Delay(1_000, Ct);
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads", Ct)).GetProperty("items").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task An_unknown_column_refuses_the_lead_import_with_the_columns_it_knows_and_another_kinds_job_is_not_found()
    {
        using var rep = Rep("rep-a");
        var refused = await rep.PostAsync("/api/v1/leads/import", Body(Encoding.UTF8.GetBytes("姓名,手机,血型\r\n张伟,13800138001,A\r\n"), "text/csv"), Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!;
        detail.ShouldContain("血型");
        detail.ShouldContain("意向产品 (product)");

        var orders = await _app.ClientFor("sales").PostAsync("/api/v1/orders/import", Body(Encoding.UTF8.GetBytes("订单号,手机,金额\r\nA-1,13800138001,10\r\n"), "text/csv"), Ct);
        orders.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var orderJob = (await orders.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        (await rep.GetAsync($"/api/v1/leads/imports/{orderJob}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Loss_reasons_are_taken_in_chinese_and_by_their_english_aliases_and_stored_as_one_code()
    {
        using var rep = Rep("rep-z");
        using var admin = _app.ClientFor("admin");
        var stored = new List<string>();
        foreach (var (phone, reason) in new[] { ("13700003331", "预算不足"), ("13700003332", "No Budget"), ("13700003333", "选择竞品"), ("13700003334", "chose a competitor") })
        {
            var entered = await (await rep.PostAsJsonAsync("/api/v1/leads/manual", new { phone, keep = true }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            var id = entered.GetProperty("leadId").GetInt64();
            var lost = await rep.PostAsJsonAsync($"/api/v1/leads/{id}/transitions", new { to = "lost", reason }, Ct);
            lost.StatusCode.ShouldBe(HttpStatusCode.OK, await lost.Content.ReadAsStringAsync(Ct));
            stored.Add((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}", Ct)).GetProperty("closedReason").GetString()!);
        }

        stored.ShouldBe(["预算不足", "预算不足", "选择了竞争对手", "选择了竞争对手"]);

        var last = await (await rep.PostAsJsonAsync("/api/v1/leads/manual", new { phone = "13700003335", keep = true }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var refused = await rep.PostAsJsonAsync($"/api/v1/leads/{last.GetProperty("leadId").GetInt64()}/transitions", new { to = "lost", reason = "太贵" }, Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!.ShouldContain("预算不足、没有需求");
    }

    [Fact]
    public async Task Connector_field_errors_answer_in_chinese_unless_english_is_asked_for()
    {
        var body = """{"name":"李雷","phone":"12345","fax":"1"}""";
        using var zh = _app.ClientFor("ingest");
        var chinese = await (await zh.PostAsync("/api/v1/ingest/leads", new StringContent(body, Encoding.UTF8, "application/json"), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        chinese.GetProperty("errors").GetProperty("fax")[0].GetString().ShouldBe("不是可用的字段");
        chinese.GetProperty("detail").GetString().ShouldBe("没有保存任何内容：请改正所列的字段后重新发送。");

        using var en = _app.ClientFor("ingest");
        en.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var english = await (await en.PostAsync("/api/v1/ingest/leads", new StringContent(body, Encoding.UTF8, "application/json"), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        english.GetProperty("errors").GetProperty("fax")[0].GetString().ShouldBe("is not a known field");
        english.GetProperty("detail").GetString().ShouldBe("Nothing was stored: fix the listed leads and send the request again.");

        using var anonymous = _app.CreateClient();
        var form = await anonymous.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "王小明" }), Ct);
        form.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await form.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("phone")[0].GetString().ShouldBe("线索需要手机号或邮箱");
    }
}
