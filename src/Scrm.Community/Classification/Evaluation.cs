using Microsoft.ML;

namespace Scrm.Community.Classification;

/// <summary>Cross-validation of the rules and the trained model on labelled review sets, with the figures the product is held to.</summary>
internal static class Evaluation
{
    /// <summary>The figures for one classifier over one fold set.</summary>
    public sealed record Scores(double SentimentAccuracy, double ComplaintF1, double TopicMicroF1, IReadOnlyDictionary<string, double> TopicF1);

    public static readonly string[] ScoredTopics = ["price", "delivery", "packaging", "authenticity", "service"];

    /// <summary>
    /// Scores predictions: sentiment accuracy over texts labelled positive/negative (a mixed answer
    /// counts as negative, a neutral one as wrong), complaint F1 and per-topic F1 over texts with topic labels.
    /// </summary>
    public static Scores Score(IReadOnlyList<LabelledText> sentimentSet, IReadOnlyList<TextClassification> sentimentPredicted,
        IReadOnlyList<LabelledText> topicSet, IReadOnlyList<TextClassification> topicPredicted)
    {
        var correct = 0;
        for (var i = 0; i < sentimentSet.Count; i++)
        {
            var predicted = sentimentPredicted[i].Sentiment;
            var positive = sentimentSet[i].Positive!.Value;
            correct += positive ? predicted == Taxonomy.Sentiments.Positive ? 1 : 0 : predicted is Taxonomy.Sentiments.Negative or Taxonomy.Sentiments.Mixed ? 1 : 0;
        }

        var complaint = new Counts();
        var perTopic = ScoredTopics.ToDictionary(t => t, _ => new Counts());
        for (var i = 0; i < topicSet.Count; i++)
        {
            complaint.Add(topicSet[i].Complaint == true, topicPredicted[i].IsComplaint);
            foreach (var topic in ScoredTopics)
            {
                perTopic[topic].Add(topicSet[i].Topics!.Contains(topic), topicPredicted[i].Topics.Contains(topic));
            }
        }

        var micro = new Counts();
        foreach (var c in perTopic.Values)
        {
            micro.Tp += c.Tp;
            micro.Fp += c.Fp;
            micro.Fn += c.Fn;
        }

        return new Scores(sentimentSet.Count == 0 ? 0 : (double)correct / sentimentSet.Count, complaint.F1, micro.F1, perTopic.ToDictionary(p => p.Key, p => p.Value.F1));
    }

    /// <summary>Splits into k folds, stratified by label so each fold has the set's share of each answer.</summary>
    public static int[] Folds(IReadOnlyList<LabelledText> rows, int k, int seed)
    {
        var random = new Random(seed);
        var fold = new int[rows.Count];
        foreach (var group in Enumerable.Range(0, rows.Count).GroupBy(i => rows[i].Sentiment + "|" + string.Join(",", rows[i].Topics?.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())))
        {
            var shuffled = group.OrderBy(_ => random.Next()).ToList();
            for (var j = 0; j < shuffled.Count; j++)
            {
                fold[shuffled[j]] = j % k;
            }
        }

        return fold;
    }

    private sealed class Counts
    {
        public int Tp;
        public int Fp;
        public int Fn;

        public void Add(bool actual, bool predicted)
        {
            if (actual && predicted)
            {
                Tp++;
            }
            else if (predicted)
            {
                Fp++;
            }
            else if (actual)
            {
                Fn++;
            }
        }

        public double F1 => Tp == 0 ? 0 : 2.0 * Tp / (2.0 * Tp + Fp + Fn);
    }
}

/// <summary>k-fold cross-validation of both classifiers over the two review sets.</summary>
internal sealed class CrossValidation(IReadOnlyList<LabelledText> sentimentSet, IReadOnlyList<LabelledText> topicSet, LexiconMatcher matcher)
{
    public sealed record Report(int Folds, Evaluation.Scores Rules, Evaluation.Scores Trained, ModelThresholds Thresholds, TimeSpan Elapsed)
    {
        /// <summary>Each head on its own, at its best cut-off: what the combination has to work with.</summary>
        public IReadOnlyList<string> Heads { get; init; } = [];
    }

    public Report Run(int k, int seed, ModelTrainer.TrainingSettings? settings = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var sentimentFolds = Evaluation.Folds(sentimentSet, k, seed);
        var topicFolds = Evaluation.Folds(topicSet, k, seed);
        var sentimentOut = new ModelOutput[sentimentSet.Count];
        var topicOut = new ModelOutput[topicSet.Count];
        for (var f = 0; f < k; f++)
        {
            var ml = new MLContext(seed);
            var train = sentimentSet.Where((_, i) => sentimentFolds[i] != f).Concat(topicSet.Where((_, i) => topicFolds[i] != f)).ToList();
            var (transformer, _) = ModelTrainer.Train(ml, train, matcher, settings);
            // Clause cut-off at 1: the clauses are scored, so tuning can find whether they help.
            using var model = new TrainedModel(ml, transformer, new ModelCard("cv", default, ModelThresholds.Default with { ClauseComplaintAt = 1f }, new Dictionary<string, int>()), matcher);
            Fill(model, sentimentSet, sentimentFolds, f, sentimentOut);
            Fill(model, topicSet, topicFolds, f, topicOut);
        }

        var sentimentHits = sentimentSet.Select(r => LexiconHits.Of(matcher, TextNormal.Fold(r.Text))).ToList();
        var topicHits = topicSet.Select(r => LexiconHits.Of(matcher, TextNormal.Fold(r.Text))).ToList();
        var rules = Evaluation.Score(
            sentimentSet, sentimentHits.Select(h => RulesClassifier.Classify(h, "rules")).ToList(),
            topicSet, topicHits.Select(h => RulesClassifier.Classify(h, "rules")).ToList());
        var thresholds = Tune(sentimentOut, sentimentHits, topicOut, topicHits);
        var trained = Evaluation.Score(
            sentimentSet, sentimentOut.Select((o, i) => TrainedModel.Decide(o, sentimentHits[i], thresholds, "cv")).ToList(),
            topicSet, topicOut.Select((o, i) => TrainedModel.Decide(o, topicHits[i], thresholds, "cv")).ToList());
        return new Report(k, rules, trained, thresholds, started.Elapsed)
        {
            Heads =
            [
                $"sentiment head alone, accuracy on online_shopping at 0.5: {sentimentOut.Select((o, i) => (o.Sentiment >= 0.5f) == sentimentSet[i].Positive).Count(x => x) / (double)sentimentSet.Count:F3}",
                $"complaint head alone, best F1 on ecommerce_aspects: {BestF1(topicOut.Select(o => o.Complaint), topicSet.Select(r => r.Complaint == true)):F3}",
                $"sentiment head as complaint (1 - p), best F1 on ecommerce_aspects: {BestF1(topicOut.Select(o => 1 - o.Sentiment), topicSet.Select(r => r.Complaint == true)):F3}",
                $"clause max complaint, best F1 on ecommerce_aspects: {BestF1(topicOut.Select(o => Math.Max(o.Complaint, o.ClauseComplaint)), topicSet.Select(r => r.Complaint == true)):F3}",
                $"complaint head as sentiment, accuracy on online_shopping at 0.5: {sentimentOut.Select((o, i) => (o.Complaint < 0.5f) == sentimentSet[i].Positive).Count(x => x) / (double)sentimentSet.Count:F3}",
            ],
        };
    }

    private static (double F1, float At) BestF1(IEnumerable<float> scores, IEnumerable<bool> actual)
    {
        var pairs = scores.Zip(actual).ToList();
        var best = (0.0, 0f);
        for (var at = 0.05f; at < 1f; at += 0.05f)
        {
            int tp = pairs.Count(p => p.First >= at && p.Second), fp = pairs.Count(p => p.First >= at && !p.Second), fn = pairs.Count(p => p.First < at && p.Second);
            var f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            if (f1 > best.Item1)
            {
                best = (f1, at);
            }
        }

        return best;
    }

    /// <summary>
    /// Picks the thresholds on the out-of-fold answers: the complaint and sentiment cut-offs that
    /// maximise sentiment accuracy plus complaint F1, and each topic's cut-off for its F1.
    /// </summary>
    private ModelThresholds Tune(ModelOutput[] sentimentOut, List<LexiconHits> sentimentHits, ModelOutput[] topicOut, List<LexiconHits> topicHits)
    {
        var grid = Enumerable.Range(1, 19).Select(i => i / 20f).ToArray();
        var coarse = Enumerable.Range(1, 9).Select(i => i / 10f).Append(2f).ToArray();
        var best = ModelThresholds.Default;
        var bestScore = double.MinValue;
        foreach (var complaintAt in grid)
        {
            foreach (var positiveAt in grid)
            {
                foreach (var clauseAt in coarse)
                {
                    var t = best with { ComplaintAt = complaintAt, PositiveAt = positiveAt, ClauseComplaintAt = clauseAt };
                    var s = Evaluation.Score(
                        sentimentSet, sentimentOut.Select((o, i) => TrainedModel.Decide(o, sentimentHits[i], t, "cv")).ToList(),
                        topicSet, topicOut.Select((o, i) => TrainedModel.Decide(o, topicHits[i], t, "cv")).ToList());
                    if (s.SentimentAccuracy + s.ComplaintF1 > bestScore)
                    {
                        bestScore = s.SentimentAccuracy + s.ComplaintF1;
                        best = t;
                    }
                }
            }
        }

        var topicAt = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var topic in Taxonomy.TrainedTopics)
        {
            var bestF1 = -1.0;
            foreach (var at in grid)
            {
                int tp = 0, fp = 0, fn = 0;
                for (var i = 0; i < topicSet.Count; i++)
                {
                    var actual = topicSet[i].Topics!.Contains(topic);
                    var predicted = topicOut[i].Topic(topic) >= at;
                    tp += actual && predicted ? 1 : 0;
                    fp += !actual && predicted ? 1 : 0;
                    fn += actual && !predicted ? 1 : 0;
                }

                var f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
                if (f1 > bestF1)
                {
                    bestF1 = f1;
                    topicAt[topic] = at;
                }
            }
        }

        return best with { TopicAt = topicAt };
    }

    private static void Fill(TrainedModel model, IReadOnlyList<LabelledText> set, int[] folds, int fold, ModelOutput[] into)
    {
        var indexes = Enumerable.Range(0, set.Count).Where(i => folds[i] == fold).ToList();
        var outputs = model.Score(indexes.Select(i => set[i].Text).ToList());
        for (var j = 0; j < indexes.Count; j++)
        {
            into[indexes[j]] = outputs[j];
        }
    }
}
