using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Customers.Directory;
using Scrm.Platform.Security;

namespace Scrm.Campaigns.Segments;

/// <summary>A member as a marketer sees it: contacts masked unless the caller's role sees them in full.</summary>
internal sealed record SegmentMember(Guid Id, string? Name, string? Phone, string? Email, string? Owner, string? Tier, string? Province, string? City);

/// <summary>A segment's size in the caller's scope, and a few members.</summary>
internal sealed record SegmentPreview(int Count, int Customers, IReadOnlyList<SegmentMember> Sample);

/// <summary>A page of members; <c>next</c> is the cursor of the following page (null on the last).</summary>
internal sealed record MemberPage(int Count, IReadOnlyList<SegmentMember> Members, Guid? Next);

/// <summary>
/// Counts, samples, pages and exports of a rule's members, from the fact index, within the caller's
/// customer data scope and with protected fields masked by the one field-protection rule.
/// </summary>
internal sealed class SegmentMembers(
    FactIndex index, FactIndexFeed feed, CustomerFactSheets facts, IEnumerable<ITeamDirectory> teams,
    IOptions<ProtectionOptions> protection, IOptions<CampaignsOptions> options, TimeProvider time)
{
    /// <summary>False when the index has not finished its first load in time.</summary>
    public async Task<bool> WaitReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await feed.Ready.WaitAsync(options.Value.IndexStartWait, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public RuleContext Context() => ContextOf(teams, time);

    /// <summary>Now and each team's active members, as rules over owners and teams see them.</summary>
    public static RuleContext ContextOf(IEnumerable<ITeamDirectory> teams, TimeProvider time)
    {
        var members = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var team in teams.FirstOrDefault()?.Teams ?? [])
        {
            members[team.Name] = team.Members.Where(m => m.Active).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        }

        return new RuleContext(time.GetUtcNow().ToUnixTimeMilliseconds(), members);
    }

    public FactIndex.Selection Select(SegmentRule rule, Caller caller) => index.Select(rule, Context(), caller.Scope(DataResources.Customers));

    public async Task<SegmentPreview> PreviewAsync(SegmentRule rule, Caller caller, int sample, CancellationToken cancellationToken)
    {
        var selection = Select(rule, caller);
        var everyone = index.Select(new AllOf([]), Context(), caller.Scope(DataResources.Customers)).Count;
        return new SegmentPreview(selection.Count, everyone, await ShowAsync(selection.Members(null, sample), caller, cancellationToken));
    }

    public async Task<MemberPage> PageAsync(SegmentRule rule, Caller caller, Guid? after, int limit, CancellationToken cancellationToken)
    {
        var selection = Select(rule, caller);
        var page = selection.Members(after, limit + 1);
        var shown = await ShowAsync(page.Take(limit).ToList(), caller, cancellationToken);
        return new MemberPage(selection.Count, shown, page.Count > limit ? page[limit - 1].Id : null);
    }

    /// <summary>Every member as CSV (UTF-8, header row), a page at a time; cells that a spreadsheet would run as a formula get a leading apostrophe.</summary>
    public async Task WriteCsvAsync(SegmentRule rule, Caller caller, Stream output, CancellationToken cancellationToken)
    {
        var selection = Select(rule, caller);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync("id,name,phone,email,owner,tier,province,city".AsMemory(), cancellationToken);
        Guid? after = null;
        while (true)
        {
            var page = selection.Members(after, 2_000);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var m in await ShowAsync(page, caller, cancellationToken))
            {
                var line = string.Join(',', new[] { m.Id.ToString("D"), m.Name, m.Phone, m.Email, m.Owner, m.Tier, m.Province, m.City }.Select(Cell));
                await writer.WriteLineAsync(line.AsMemory(), cancellationToken);
            }

            after = page[^1].Id;
        }

        await writer.FlushAsync(cancellationToken);
    }

    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private async Task<IReadOnlyList<SegmentMember>> ShowAsync(IReadOnlyList<(Guid Id, string? Owner)> members, Caller caller, CancellationToken cancellationToken)
    {
        var cards = (await facts.CardsAsync([.. members.Select(m => m.Id)], cancellationToken)).ToDictionary(c => c.Id);
        var unmaskedRoles = protection.Value.UnmaskedRoles;
        var shown = new List<SegmentMember>(members.Count);
        foreach (var (id, _) in members)
        {
            if (!cards.TryGetValue(id, out var c))
            {
                continue;
            }

            var masked = FieldPolicy.Decide(caller, c.Owner, unmaskedRoles).Masked;
            shown.Add(new SegmentMember(c.Id, c.Name ?? c.Nickname, masked ? Masking.Phone(c.Phone) : c.Phone, masked ? Masking.Email(c.Email) : c.Email,
                c.Owner, c.Tier, c.Province, c.City));
        }

        return shown;
    }
}
