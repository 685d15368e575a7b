using System.ComponentModel.DataAnnotations;

namespace Scrm.Community;

/// <summary><c>Scrm:Community</c>.</summary>
internal sealed class CommunityOptions
{
    public const string Section = "Scrm:Community";

    public ClassifierOptions Classifier { get; set; } = new();

    public AssignmentOptions Assignment { get; set; } = new();

    /// <summary>The language of notifications (zh-CN or en).</summary>
    public string Language { get; set; } = Scrm.Platform.Text.Languages.Chinese;
}

/// <summary><c>Scrm:Community:Classifier</c>: retraining from corrections.</summary>
internal sealed class ClassifierOptions
{
    /// <summary>
    /// Labelled JSON-lines files (<c>text</c>, <c>label</c>, optional <c>topic</c>) a retrain learns
    /// from besides the corrections. Without them a retrain is refused: corrections alone are too
    /// few to learn a whole model from.
    /// </summary>
    public List<string> TrainingData { get; set; } = [];

    /// <summary>A retrain starts by itself once this many corrections arrived since the active version.</summary>
    [Range(1, 1_000_000)]
    public int RetrainAfterCorrections { get; set; } = 50;

    /// <summary>How much a correction counts against one labelled review.</summary>
    [Range(0.1, 100)]
    public float CorrectionWeight { get; set; } = 3f;

    /// <summary>How often the background job looks for corrections to learn and for a version another replica activated.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
