using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scrm.Platform.Storage;
using Scrm.Testing;

namespace Scrm.Host.Tests;

/// <summary>
/// On SQLite the journal, the scheduler, the leads and the workflow engine each have a file of
/// their own beside <c>scrm.db</c>; a data directory made before a module had one keeps that
/// module's tables where they are.
/// </summary>
public sealed class StoreLayoutTests
{
    private static ScrmDatabase Database(string directory) =>
        new(new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = directory });

    private static void CreateTable(string file, string table)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE \"{table}\" (id INTEGER PRIMARY KEY)";
        command.ExecuteNonQuery();
    }

    private static string FileOf(ScrmDatabase database) => Path.GetFileName(new SqliteConnectionStringBuilder(database.ConnectionString).DataSource);

    [Fact]
    public async Task A_store_is_its_own_file_unless_the_main_file_already_holds_its_tables()
    {
        using var data = new TempDirectory("scrm-stores");
        CreateTable(Path.Combine(data.Path, "scrm.db"), "__leads_migrations");
        CreateTable(Path.Combine(data.Path, "scrm.db"), "__journal_migrations");
        CreateTable(Path.Combine(data.Path, "journal.db"), "__journal_migrations");

        await using var database = Database(data.Path);
        FileOf(database.Store("leads")).ShouldBe("scrm.db");
        FileOf(database.Store("journal")).ShouldBe("journal.db");
        FileOf(database.Store("workflows")).ShouldBe("workflows.db");

        using var fresh = new TempDirectory("scrm-stores");
        await using var freshDatabase = Database(fresh.Path);
        FileOf(freshDatabase.Store("leads")).ShouldBe("leads.db");
    }

    [Fact]
    public async Task A_fresh_data_directory_gives_leads_and_workflows_files_of_their_own_and_an_older_one_keeps_its_leads()
    {
        using var first = new TempDirectory("scrm-first");
        using var older = new TempDirectory("scrm-older");
        await using (var app = new ScrmApp(settings: new Dictionary<string, string?> { ["Scrm:Storage:DataDirectory"] = first.Path }))
        {
            await PostLeadAndWaitAsync(app, "+8613900000101");
        }

        SqliteConnection.ClearAllPools();
        foreach (var (file, table) in new[] { ("leads.db", "leads"), ("workflows.db", "workflow_instances"), ("scrm.db", "customers"), ("journal.db", "journal_items"), ("access.db", "access_users"), ("audit.db", "audit_log") })
        {
            Tables(Path.Combine(first.Path, file)).ShouldContain(table, $"{table} in {file}");
        }

        Tables(Path.Combine(first.Path, "scrm.db")).ShouldNotContain("leads");

        // Every module records its migrations in __{module}_migrations: the name an existing data directory already has.
        Directory.GetFiles(first.Path, "*.db").SelectMany(Tables).Where(t => t.EndsWith("_migrations", StringComparison.Ordinal)).Order()
            .ShouldBe(new[] { "access", "audit", "campaigns", "community", "crawler", "customers", "journal", "leads", "wechat", "wecom", "weibo", "workflows" }.Select(ScrmDatabase.HistoryTable));

        // The layout from before: the leads in the main file, every other module's file as it was.
        foreach (var file in new[] { "leads.db", "workflows.db", "journal.db", "scheduler.db" })
        {
            File.Copy(Path.Combine(first.Path, file), Path.Combine(older.Path, file == "leads.db" ? "scrm.db" : file));
        }

        await using var upgraded = new ScrmApp(settings: new Dictionary<string, string?> { ["Scrm:Storage:DataDirectory"] = older.Path });
        using var admin = upgraded.ClientFor("admin");
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads", TestContext.Current.CancellationToken);
        page.GetProperty("items").GetArrayLength().ShouldBe(1);
        await PostLeadAndWaitAsync(upgraded, "+8613900000102");
        File.Exists(Path.Combine(older.Path, "leads.db")).ShouldBeFalse();
        Tables(Path.Combine(older.Path, "scrm.db")).ShouldContain("leads");
    }

    [Fact]
    public async Task Readiness_asks_every_store_and_names_the_one_that_does_not_answer()
    {
        await using var app = new ScrmApp();
        using var client = app.CreateClient();
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready", TestContext.Current.CancellationToken);
        var storage = ready.GetProperty("checks").GetProperty("storage");
        storage.GetProperty("status").GetString().ShouldBe("Healthy");
        storage.GetProperty("description").GetString().ShouldBe("Sqlite answers (main, access, audit, campaigns, community, journal, leads, workflows).");

        // A module's file that is no longer a database (overwritten, a bad restore) makes the host not ready.
        SqliteConnection.ClearAllPools();
        await using (var file = new FileStream(Path.Combine(app.DataDirectory, "leads.db"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            await file.WriteAsync(new byte[100], TestContext.Current.CancellationToken);
        }

        var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        body.GetProperty("checks").GetProperty("storage").GetProperty("description").GetString().ShouldBe("Sqlite store 'leads' does not answer.");
    }

    private static async Task PostLeadAndWaitAsync(ScrmApp app, string phone)
    {
        using var ingest = app.ClientFor("ingest");
        using var admin = app.ClientFor("admin");
        var posted = await ingest.PostAsync("/api/v1/ingest/leads", new StringContent($$"""{"name":"王小明","phone":"{{phone}}","message":"想了解价格"}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads", TestContext.Current.CancellationToken);
            var phones = await Task.WhenAll(page.GetProperty("items").EnumerateArray()
                .Select(async l => (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{l.GetProperty("id").GetInt64()}")).GetProperty("phone").GetString()));
            if (phones.Contains(phone))
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "the lead did not appear in time");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static List<string> Tables(string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
