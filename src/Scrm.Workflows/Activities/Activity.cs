using Scrm.Platform.Text;
using System.Text.Json.Nodes;
using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Activities;

/// <summary>
/// A step of a workflow. One object is made per node of a published version, with its inputs
/// bound, and shared by every instance of that version: keep per-run data in the context, never
/// in fields. Inputs are <see cref="Input{T}"/> properties marked <see cref="InputAttribute"/>.
/// </summary>
public abstract class Activity
{
    /// <summary>Runs the step: complete with an outcome, suspend on a bookmark, or neither (a join still waiting).</summary>
    public abstract ValueTask ExecuteAsync(ActivityContext context);

    /// <summary>Runs when one of this step's bookmarks is resumed; completes with <see cref="Outcomes.Done"/> by default.</summary>
    public virtual ValueTask ResumeAsync(ActivityContext context)
    {
        context.Complete();
        return ValueTask.CompletedTask;
    }

    /// <summary>Outcomes that depend on the node's inputs (a switch's cases), besides the declared ones.</summary>
    public virtual IEnumerable<string> DynamicOutcomes(ActivityDefinition definition) => [];

    /// <summary>Checks beyond required inputs, as readable sentences.</summary>
    public virtual IEnumerable<UserText> Validate(ActivityDefinition definition) => [];
}

/// <summary>Declares an activity type: its alias in definitions, its outcomes and what kind of step it is.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute(string type) : Attribute
{
    public string Type { get; } = type;

    public string[] Outcomes { get; init; } = [Definitions.Outcomes.Done];

    public ActivityKinds Kinds { get; init; } = ActivityKinds.Action;

    public string? Description { get; init; }
}

/// <summary>Marks an <see cref="Input{T}"/> property as an input of the activity.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class InputAttribute : Attribute
{
    public bool Required { get; init; }

    public string? Description { get; init; }
}

/// <summary>What an activity is, as the validator and runtime need to know.</summary>
[Flags]
public enum ActivityKinds
{
    Action = 0,
    /// <summary>Starts instances (journal item, HTTP endpoint, cron, manual run).</summary>
    Trigger = 1,
    /// <summary>May suspend on a bookmark; a cycle through it is not a busy loop.</summary>
    Wait = 2,
    /// <summary>A bounded loop controller (for-each); a cycle through it ends.</summary>
    Loop = 4,
    /// <summary>Changes the world outside the instance; runs once per idempotency key and is recorded in a dry run.</summary>
    SideEffect = 8,
    /// <summary>Every outbound connection is followed, whatever its outcome (fork).</summary>
    FollowsAll = 16,
}

/// <summary>An input as bound to one node: a literal, a script, a variable or a template.</summary>
public sealed class Input<T> : IInputSlot
{
    public bool IsSet => Binding is not null;

    internal Expressions.InputBinding? Binding { get; set; }

    Expressions.InputBinding? IInputSlot.Binding
    {
        get => Binding;
        set => Binding = value;
    }
}

internal interface IInputSlot
{
    Expressions.InputBinding? Binding { get; set; }
}

/// <summary>A bookmark an activity asks for: the stimulus that resumes it, and for timers when.</summary>
/// <param name="Name">The stimulus name, e.g. <c>event:order.paid</c> or <c>timer</c>.</param>
/// <param name="Key">The part of the stimulus payload that matters (channel, correlation id); empty for any.</param>
/// <param name="DueAt">For timers: when a scheduled job resumes it.</param>
/// <param name="Tag">Which of the activity's bookmarks this is (e.g. <c>event</c> or <c>timeout</c>).</param>
public sealed record BookmarkRequest(string Name, string Key, DateTimeOffset? DueAt = null, string? Tag = null);

/// <summary>The stimulus that resumed a bookmark, as the resumed activity sees it.</summary>
public sealed record ResumedBookmark(string Name, string? Tag, JsonNode? Payload);
