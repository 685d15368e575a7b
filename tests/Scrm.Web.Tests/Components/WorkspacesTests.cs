using Scrm.Web.Shell;

namespace Scrm.Web.Tests.Components;

public sealed class WorkspacesTests
{
    [Theory]
    [InlineData("sales", "sales")]
    [InlineData("community", "community")]
    [InlineData("marketer", "marketing")]
    [InlineData("admin", "sales,community,marketing,admin")]
    [InlineData("sales,marketer", "sales,marketing")]
    [InlineData("ingest", "")]
    [InlineData("", "")]
    public void The_rail_offers_the_workspaces_the_roles_policies_admit(string roles, string expected)
    {
        var set = roles.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        string.Join(",", Workspaces.For(set).Select(w => w.Key)).ShouldBe(expected);
    }
}
