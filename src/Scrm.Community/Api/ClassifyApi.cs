using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Scrm.Community.Classification;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

/// <summary>Texts to classify, in the order their answers come back.</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
internal sealed record ClassifyRequest(IReadOnlyList<string?>? Texts);

internal sealed record ClassifyResponse(IReadOnlyList<ClassificationResult> Results);

/// <summary>One text's intent, sentiment and topics, and the model version that decided.</summary>
internal sealed record ClassificationResult(string Intent, string Sentiment, IReadOnlyList<string> Topics, string Model)
{
    internal static ClassificationResult From(TextClassification c) => new(c.Intent, c.Sentiment, c.Topics, c.Model);
}

internal static partial class ClassifyApi
{
    public const int MaxTexts = 1_000;
    public const int MaxTextChars = 10_000;
    private const string LogCategory = "Scrm.Community.Api.Classify";

    public static async Task<Results<Ok<ClassifyResponse>, ValidationProblem>> ClassifyAsync(
        ClassifyRequest? request, TextClassifier classifier, ClassifierLoader loader, ILoggerFactory logs, HttpContext http, CancellationToken ct)
    {
        if (Problems(request, http.Language()) is { } errors)
        {
            var logger = logs.CreateLogger(LogCategory);
            var count = request?.Texts?.Count ?? 0;
            LogRefused(logger, count);
            return TypedResults.ValidationProblem(errors);
        }

        await loader.ReadyAsync(ct);
        var results = classifier.ClassifyMany(request!.Texts!.Select(t => t!).ToList());
        return TypedResults.Ok(new ClassifyResponse([.. results.Select(ClassificationResult.From)]));
    }

    private static readonly UserText Count = new("texts 必须包含 1 到 {0} 个字符串", "texts must hold 1 to {0} strings.");
    private static readonly UserText Null = new("texts[{0}] 为 null", "texts[{0}] is null.");
    private static readonly UserText TooLong = new("texts[{0}] 超过 {1} 个字符", "texts[{0}] is longer than {1} characters.");

    internal static Dictionary<string, string[]>? Problems(ClassifyRequest? request, string language)
    {
        if (request?.Texts is not { Count: > 0 and <= MaxTexts } texts)
        {
            return new() { ["texts"] = [Count.In(language, MaxTexts)] };
        }

        var bad = new List<string>();
        for (var i = 0; i < texts.Count && bad.Count < 10; i++)
        {
            if (texts[i] is null)
            {
                bad.Add(Null.In(language, i));
            }
            else if (texts[i]!.Length > MaxTextChars)
            {
                bad.Add(TooLong.In(language, i, MaxTextChars));
            }
        }

        return bad.Count == 0 ? null : new() { ["texts"] = [.. bad] };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A classification request with {Count} text(s) was refused")]
    private static partial void LogRefused(ILogger logger, int count);
}
