using Scrm.Platform.Text;

namespace Scrm.Workflows.Activities;

/// <summary>
/// An activity cannot run on the inputs it was given (a missing id, a value out of range). The step
/// faults with <see cref="Text"/> in the reader's language; the message is its English.
/// </summary>
public sealed class ActivityInputException(UserText text) : ArgumentException(text.In(Languages.English))
{
    /// <summary>Why, in both languages.</summary>
    public UserText Text { get; } = text;
}
