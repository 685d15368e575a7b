using System.ComponentModel.DataAnnotations;

namespace Scrm.Search.Lucene;

/// <summary><c>Scrm:Search:Lucene</c>: the embedded index.</summary>
internal sealed class LuceneOptions
{
    public const string Section = "Scrm:Search:Lucene";

    /// <summary>Index folder; defaults to <c>{Scrm:Storage:DataDirectory}/index</c>.</summary>
    public string? Path { get; set; }

    /// <summary>How often new writes are made visible to searches (near-real-time reopen).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often writes are made durable. A hard kill loses at most this much, which the indexer replays from the journal.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Memory the writer buffers before it flushes a segment.</summary>
    [Range(16, 2048)]
    public double RamBufferMb { get; set; } = 64;
}
