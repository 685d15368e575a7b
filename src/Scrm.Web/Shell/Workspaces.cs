using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Web.Shell;

/// <summary>One entry of the left rail: a role's workspace and the policy that admits it.</summary>
public sealed record Workspace(string Key, string Path, string Policy, UserText Name, string Icon);

/// <summary>The workspaces of the rail, in order, and which of them a person's roles open.</summary>
internal static class Workspaces
{
    public static readonly Workspace Sales = new("sales", "/sales", ScrmPolicies.Sales, new UserText("销售", "Sales"), MudBlazor.Icons.Material.Filled.TrendingUp);
    public static readonly Workspace Community = new("community", "/community", ScrmPolicies.Community, new UserText("社群", "Community"), MudBlazor.Icons.Material.Filled.Forum);
    public static readonly Workspace Marketing = new("marketing", "/marketing", ScrmPolicies.Marketing, new UserText("营销", "Marketing"), MudBlazor.Icons.Material.Filled.Campaign);
    public static readonly Workspace Admin = new("admin", "/admin", ScrmPolicies.Admin, new UserText("管理", "Admin"), MudBlazor.Icons.Material.Filled.AdminPanelSettings);

    public static readonly IReadOnlyList<Workspace> All = [Sales, Community, Marketing, Admin];

    /// <summary>The workspaces whose policy admits one of <paramref name="roles"/> (the API's own role table, so the rail never offers what the API refuses).</summary>
    public static IReadOnlyList<Workspace> For(IReadOnlySet<string> roles) =>
        [.. All.Where(w => ScrmPolicies.Roles[w.Policy].Any(roles.Contains))];
}
