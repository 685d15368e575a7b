namespace Scrm.Ingestion.Journal;

/// <summary>The journal's store: on SQLite its own file (<c>journal.db</c>), so appends never queue behind module writes.</summary>
internal static class JournalStore
{
    public const string Name = "journal";
}
