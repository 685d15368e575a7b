using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Scrm.Platform.Text;
using Scrm.Workflows.Expressions;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Tests;

/// <summary>Why an expression failed reads in Chinese; the English keeps the engine's own words, and an author's own message stays as written.</summary>
public sealed class ExpressionTextTests
{
    private static readonly ScriptEngine Engines = new(Options.Create(new WorkflowsOptions()));

    private static ExpressionException Fail(string script)
    {
        var state = new InstanceState { Id = "i-1", DefinitionId = "d", Input = new JsonObject { ["n"] = 1 } };
        using var scope = new ScriptScope(Engines, state);
        return Should.Throw<ExpressionException>(() => scope.Evaluate(Engines.Prepare(script)));
    }

    [Theory]
    [InlineData("input.customer.name", "表达式出错：不能读取 undefined 的属性 name", "name")]
    [InlineData("lookup(1)", "表达式出错：lookup 未定义", "lookup is not defined")]
    [InlineData("throw new Error('客户等级缺失')", "表达式出错：客户等级缺失", "客户等级缺失")]
    public void What_a_script_throws_reads_in_chinese_and_in_the_engines_english(string script, string chinese, string english)
    {
        var failure = Fail(script);

        failure.Text.In(Languages.Chinese).ShouldBe(chinese);
        failure.Text.In(Languages.English).ShouldStartWith("The expression threw: ");
        failure.Text.In(Languages.English).ShouldContain(english);
        failure.Message.ShouldBe(failure.Text.In(Languages.English));
    }

    [Fact]
    public void A_runaway_loop_is_stopped_with_a_reason_in_both_languages()
    {
        var failure = Fail("while (true) {}");

        failure.Text.In(Languages.Chinese).ShouldStartWith("表达式");
        failure.Text.In(Languages.Chinese).ShouldNotContain("expression", Case.Insensitive);
        failure.Text.In(Languages.English).ShouldStartWith("The expression ");
    }
}
