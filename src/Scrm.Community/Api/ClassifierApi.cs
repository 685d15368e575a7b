using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Scrm.Community.Classification;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

/// <summary>A correction as the API takes it: the text and what it should have been classified as.</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
internal sealed record CorrectionRequest(string? Text, string? Intent, string? Sentiment, IReadOnlyList<string?>? Topics);

internal sealed record CorrectionCreated(long Id, int PendingCorrections);

internal sealed record LexiconResponse(int Version, IReadOnlyDictionary<string, IReadOnlyList<string>> Classes);

[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
internal sealed record LexiconRequest(IReadOnlyDictionary<string, IReadOnlyList<string?>?>? Classes);

internal sealed record ModelActivated(string Version);

/// <summary>Corrections, model versions (retrain, activate, roll back) and the editable word lists.</summary>
internal static class ClassifierApi
{
    private static string Me(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    private static class Texts
    {
        public static readonly UserText TextLength = new("text 必须有 1 到 {0} 个字符", "text must have 1 to {0} characters.");
        public static readonly UserText Intent = new("intent 必须是以下之一：{0}", "intent must be one of {0}.");
        public static readonly UserText Sentiment = new("sentiment 必须是以下之一：{0}", "sentiment must be one of {0}.");
        public static readonly UserText Topics = new("topics 最多 20 个，取自：{0}", "topics are up to 20 of {0}.");
        public static readonly UserText NothingCorrected = new("请说明应当归为哪一类：intent、sentiment 或 topics", "say what should have been classified: intent, sentiment or topics.");
        public static readonly UserText NoTrainingData = new("没有配置带标注的训练数据（Scrm:Community:Classifier:TrainingData）", "No labelled training data is configured (Scrm:Community:Classifier:TrainingData).");
        public static readonly UserText NoEarlierVersion = new("没有可以回退到的更早版本", "No earlier version to go back to.");
        public static readonly UserText Classes = new("classes 把每个类别名对应到一个词表", "classes maps each class name to a list of words.");
    }

    public static async Task<Results<Created<CorrectionCreated>, ValidationProblem>> CorrectAsync(
        CorrectionRequest? request, ClassifierModels models, HttpContext http, CancellationToken ct)
    {
        var topics = models.Topics;
        var errors = new Dictionary<string, string[]>();
        if (request?.Text is not { Length: > 0 and <= ClassifyApi.MaxTextChars })
        {
            errors["text"] = [Texts.TextLength.In(http, ClassifyApi.MaxTextChars)];
        }

        if (request?.Intent is { } intent && !Taxonomy.Intents.All.Contains(intent))
        {
            errors["intent"] = [Texts.Intent.In(http, string.Join(", ", Taxonomy.Intents.All))];
        }

        if (request?.Sentiment is { } sentiment && !Taxonomy.Sentiments.All.Contains(sentiment))
        {
            errors["sentiment"] = [Texts.Sentiment.In(http, string.Join(", ", Taxonomy.Sentiments.All))];
        }

        if (request?.Topics is { } given && (given.Count > 20 || given.Any(t => t is null || !topics.Contains(t))))
        {
            errors["topics"] = [Texts.Topics.In(http, string.Join(", ", topics))];
        }

        if (request is not null && request.Intent is null && request.Sentiment is null && request.Topics is null)
        {
            errors["body"] = [Texts.NothingCorrected.In(http)];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var id = await models.CorrectAsync(new Correction(request!.Text!, request.Intent, request.Sentiment, request.Topics?.Select(t => t!).Distinct().ToList()), Me(http.User), ct);
        return TypedResults.Created($"/api/v1/community/corrections/{id}", new CorrectionCreated(id, await models.PendingCorrectionsAsync(ct)));
    }

    public static async Task<Ok<IReadOnlyList<ModelVersionInfo>>> ModelsAsync(ClassifierModels models, CancellationToken ct) =>
        TypedResults.Ok(await models.ListAsync(ct));

    public static Results<Accepted, ProblemHttpResult> Retrain(ClassifierLoader loader, Microsoft.Extensions.Options.IOptionsMonitor<CommunityOptions> options, HttpContext http)
    {
        if (options.CurrentValue.Classifier.TrainingData.Count == 0)
        {
            return TypedResults.Problem(Texts.NoTrainingData.In(http), statusCode: StatusCodes.Status409Conflict);
        }

        loader.RequestRetrain();
        return TypedResults.Accepted("/api/v1/community/models");
    }

    public static async Task<Results<Ok<ModelActivated>, NotFound>> ActivateAsync(string version, ClassifierModels models, CancellationToken ct) =>
        version.Length <= 64 && await models.ActivateAsync(version, ct) ? TypedResults.Ok(new ModelActivated(version)) : TypedResults.NotFound();

    public static async Task<Results<Ok<ModelActivated>, ProblemHttpResult>> RollbackAsync(ClassifierModels models, HttpContext http, CancellationToken ct) =>
        await models.RollbackAsync(ct) is { } version
            ? TypedResults.Ok(new ModelActivated(version))
            : TypedResults.Problem(Texts.NoEarlierVersion.In(http), statusCode: StatusCodes.Status409Conflict);

    public static Ok<LexiconResponse> Lexicon(TextClassifier classifier) =>
        TypedResults.Ok(new LexiconResponse(classifier.Matcher.Lexicon.Version, classifier.Matcher.Lexicon.Classes));

    public static async Task<Results<Ok<LexiconResponse>, ValidationProblem>> SetLexiconAsync(
        LexiconRequest? request, ClassifierModels models, TextClassifier classifier, HttpContext http, CancellationToken ct)
    {
        if (request?.Classes is not { Count: > 0 } classes || classes.Any(c => c.Value is null || c.Value.Any(w => w is null)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["classes"] = [Texts.Classes.In(http)] });
        }

        var lexicon = new Lexicon(0, classes.ToDictionary(c => c.Key, c => (IReadOnlyList<string>)c.Value!.Select(w => TextNormal.Fold(w)).Distinct().ToList(), StringComparer.Ordinal));
        if (lexicon.Problems() is { Count: > 0 } problems)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["classes"] = [.. problems.Take(10).Select(p => p.In(http))] });
        }

        await models.SetLexiconAsync(lexicon, Me(http.User), ct);
        return Lexicon(classifier);
    }
}
