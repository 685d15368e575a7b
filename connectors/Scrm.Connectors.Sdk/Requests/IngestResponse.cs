using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.Sdk.Requests;

/// <summary>The 202 answer to an ingest request: every item's fate, in request order.</summary>
public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<IngestItemStatus> Items)
{
    public static IngestResponse From(IReadOnlyList<AppendResult> results)
    {
        var items = new IngestItemStatus[results.Count];
        var duplicates = 0;
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            duplicates += r.Duplicate ? 1 : 0;
            items[i] = new IngestItemStatus(i, r.Duplicate ? IngestItemStatus.DuplicateStatus : IngestItemStatus.AcceptedStatus, r.Position);
        }

        return new IngestResponse(results.Count - duplicates, duplicates, items);
    }
}

/// <summary><c>accepted</c> (stored now) or <c>duplicate</c> (stored before, at <see cref="Position"/>).</summary>
public sealed record IngestItemStatus(int Index, string Status, long Position)
{
    public const string AcceptedStatus = "accepted";
    public const string DuplicateStatus = "duplicate";
}
