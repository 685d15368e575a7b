using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Web.Marketing.Segments;

namespace Scrm.Web.Tests.Marketing;

/// <summary>The builder's vocabulary comes from the API's schema, and its tree writes the JSON the API's parser takes.</summary>
public sealed class SegmentDraftTests
{
    [Fact]
    public void The_palette_of_facts_and_operators_is_the_schema_the_parser_accepts()
    {
        var schema = SegmentSchema.Shipped;
        schema.Select(f => f.Fact).Order().ShouldBe(RuleVocabulary.AllFacts.Order());
        schema.Single(f => f.Fact == "tier").Ops.Select(o => o.Op).ShouldBe(["in", "notIn", "exists", "missing"]);
        schema.Single(f => f.Fact == "orderAmount").OpOf("between")!.Shape.ShouldBe(ValueShape.Range);
        schema.Single(f => f.Fact == "createdAt").OpOf("within")!.Shape.ShouldBe(ValueShape.Days);
        schema.Single(f => f.Fact == "createdAt").OpOf("before")!.Shape.ShouldBe(ValueShape.Date);
        schema.Single(f => f.Fact == "tags").OpOf("hasNone")!.Shape.ShouldBe(ValueShape.Values);
        schema.Single(f => f.Fact == "rfm.r").OpOf("gte")!.Shape.ShouldBe(ValueShape.Number);
    }

    [Fact]
    public void Every_fact_and_operator_with_a_sensible_value_parses()
    {
        foreach (var fact in SegmentSchema.Shipped)
        {
            foreach (var op in fact.Ops)
            {
                var root = new GroupNode();
                root.Children.Add(new ConditionNode { Fact = fact.Fact, Op = op.Op, Values = "phone, email", Value = "3", Min = "1", Max = "4", Days = "30", Date = "2026-01-01" });
                var (json, _) = RuleDraft.ToJson(root, SegmentSchema.Shipped);
                using var document = JsonDocument.Parse(json.ToJsonString());
                RuleParser.Parse(document.RootElement).Errors.ShouldBeEmpty($"{fact.Fact} {op.Op}: {json.ToJsonString()}");
            }
        }
    }

    [Theory]
    [InlineData("""{"and":[{"fact":"tags","op":"hasAny","values":["vip","新客"]},{"not":{"or":[{"fact":"orderAmount","op":"between","min":100,"max":500.5},{"fact":"lastOrderAt","op":"within","days":30}]}}]}""")]
    [InlineData("""{"or":[{"fact":"province","op":"exists"},{"and":[]},{"fact":"createdAt","op":"before","date":"2026-01-01"}]}""")]
    public void A_saved_rule_reads_into_the_builder_and_writes_back_unchanged(string rule)
    {
        using var document = JsonDocument.Parse(rule);
        var (json, _) = RuleDraft.ToJson(RuleDraft.FromJson(document.RootElement), SegmentSchema.Shipped);
        JsonNode.DeepEquals(json, JsonNode.Parse(rule)).ShouldBeTrue(json.ToJsonString());
    }

    [Fact]
    public void A_bad_number_is_left_as_text_so_the_parser_names_its_path()
    {
        var root = new GroupNode { Any = true };
        var condition = new ConditionNode { Fact = "orderCount", Op = "gte", Value = "三" };
        root.Children.Add(condition);
        var (json, paths) = RuleDraft.ToJson(root, SegmentSchema.Shipped);
        using var document = JsonDocument.Parse(json.ToJsonString());
        var errors = RuleParser.Parse(document.RootElement).Errors;
        errors.Select(e => e.Path).ShouldBe([paths[condition] + ".value"]);
    }
}
