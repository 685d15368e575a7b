using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Access.People;
using Scrm.Leads;
using Scrm.Leads.Routing;
using Scrm.Platform.Security;
using Scrm.Testing;

namespace Scrm.Access.Tests;

public sealed class SqliteSeededTeamsTests(PostgresServer postgres) : SeededTeamsTests(postgres, usePostgres: false);

public sealed class PostgresSeededTeamsTests(PostgresServer postgres) : SeededTeamsTests(postgres, usePostgres: true);

/// <summary>Teams configured under <c>Scrm:Leads:Teams</c> become people and teams on first start and route exactly as configured.</summary>
public abstract class SeededTeamsTests(PostgresServer postgres, bool usePostgres)
{
    private static Dictionary<string, string?> Settings() => new()
    {
        ["Scrm:Leads:Teams:0:Name"] = "east",
        ["Scrm:Leads:Teams:0:Strategy"] = "Weighted",
        ["Scrm:Leads:Teams:0:TeamLead"] = "boss",
        ["Scrm:Leads:Teams:0:Reps:0:Id"] = "rep-a",
        ["Scrm:Leads:Teams:0:Reps:0:Weight"] = "3",
        ["Scrm:Leads:Teams:0:Reps:1:Id"] = "rep-b",
        ["Scrm:Leads:Teams:0:Reps:1:Capacity"] = "5",
        ["Scrm:Leads:Teams:0:Reps:1:WorkFrom"] = "09:00",
        ["Scrm:Leads:Teams:0:Reps:1:WorkTo"] = "18:00",
        ["Scrm:Leads:Teams:1:Name"] = "west",
        ["Scrm:Leads:Teams:1:Reps:0:Id"] = "rep-c",
        ["Scrm:Leads:Teams:1:Reps:0:Active"] = "false",
        ["Scrm:Leads:Teams:1:Reps:1:Id"] = "rep-d",
        ["Scrm:Leads:Teams:1:Reps:1:OutOfOfficeUntil"] = "2030-01-01T00:00:00+00:00",
        ["Scrm:Leads:Rules:0:Name"] = "shanghai",
        ["Scrm:Leads:Rules:0:Team"] = "west",
        ["Scrm:Leads:Rules:0:City"] = "上海",
        ["Scrm:Leads:DefaultTeam"] = "east",
        ["Scrm:Auth:ApiKeys:0:Key"] = "rep-a-key-0123456789abcdefgh",
        ["Scrm:Auth:ApiKeys:0:Role"] = "sales",
        ["Scrm:Auth:ApiKeys:0:Name"] = "rep-a",
        ["Scrm:Scheduling:Store"] = "Memory",
    };

    [Fact]
    public async Task Configured_teams_are_seeded_as_people_and_route_exactly_as_the_configuration_does()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        await using var host = await ModuleHost.StartAsync(storage, (s, c) => s.AddScrmAccess(c).AddScrmLeads(c), Settings());

        var fromDirectory = host.Get<RoutingTeams>().Plan();
        var fromConfiguration = host.Get<Microsoft.Extensions.Options.IOptions<LeadsOptions>>().Value.ToPlan();
        Json(fromDirectory).ShouldBe(Json(fromConfiguration));

        // Same decisions, lead after lead, through the pure router.
        var now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.FromHours(8));
        var (a, b) = (TeamCursor.Start, TeamCursor.Start);
        foreach (var city in new[] { "北京", "上海", "杭州", "北京", "上海", "北京", "深圳", "北京" })
        {
            var lead = new RoutingLead(City: city);
            var x = Router.Route(lead, fromDirectory, _ => a, new Dictionary<string, int>(), now);
            var y = Router.Route(lead, fromConfiguration, _ => b, new Dictionary<string, int>(), now);
            JsonSerializer.Serialize(x).ShouldBe(JsonSerializer.Serialize(y));
            (a, b) = (x.Cursor ?? a, y.Cursor ?? b);
        }

        var people = host.Get<AccessDirectory>().Current.People;
        people["rep-a"].Roles.ShouldContain(ScrmRoles.Sales);
        people["rep-c"].Active.ShouldBeFalse();
        people["boss"].Kind.ShouldBe("person");
        host.Get<AccessDirectory>().Current.PositionOf("boss").Below.ShouldBe(["rep-a", "rep-b"], ignoreOrder: true);
    }

    private static string Json(RoutingPlan plan) => JsonSerializer.Serialize(plan);
}
