using Microsoft.Extensions.Options;
using Scrm.Platform.Scheduling;
using Scrm.Platform.Text;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Expressions;

namespace Scrm.Workflows.Tests;

/// <summary>Settings and workflow definitions accept exactly the cron expressions the scheduler runs.</summary>
public sealed class CronTests
{
    [Theory]
    [InlineData("0 0 9 * * ?", true)]
    [InlineData("0 0/5 9-18 ? * MON-FRI", true)]
    [InlineData("0 0 2 L * ?", true)]
    [InlineData("0 15 10 ? * 6#3", true)]
    [InlineData("* * * * *", false)]
    [InlineData("0 0 25 * * ?", false)]
    [InlineData("every day at nine", false)]
    [InlineData("", false)]
    public void Cron_expressions_are_judged_by_quartz(string expression, bool valid)
    {
        Cron.IsValid(expression).ShouldBe(valid);
        if (!valid)
        {
            Cron.Problem(expression)!.In(Languages.Chinese).ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public void A_cron_trigger_with_a_unix_style_expression_is_refused_with_quartz_reason()
    {
        var registry = new ActivityRegistry(new[] { typeof(CronTrigger), typeof(EndActivity) }.Select(t => new ActivityRegistration(t)));
        var validator = new DefinitionValidator(registry, new ScriptEngine(Options.Create(new WorkflowsOptions())));
        var parse = DefinitionJson.Parse("""
            { "id": "t", "name": "T", "triggers": [{ "id": "tick", "type": "trigger.cron", "inputs": { "cron": "*/5 * * * *" } }],
              "activities": [{ "id": "a", "type": "end" }], "connections": [{ "source": "tick", "target": "a" }] }
            """, 1 << 20);

        var error = validator.Validate(parse.Definition!, 1000).ShouldHaveSingleItem();

        error.Message.ShouldContain("'*/5 * * * *' is not a valid Quartz cron expression");
        error.Message.ShouldContain("0 0 9 * * ?");

        // In Chinese the frame and the reason are both Chinese: Quartz's English reason is left out.
        var quartzReason = error.Message[(error.Message.LastIndexOf("): ", StringComparison.Ordinal) + 3)..];
        var chinese = error.In(Languages.Chinese).Message;
        chinese.ShouldContain("“*/5 * * * *”不是有效的 Quartz cron 表达式");
        chinese.ShouldNotContain(quartzReason);
    }
}
