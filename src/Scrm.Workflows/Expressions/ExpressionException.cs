using Scrm.Platform.Text;

namespace Scrm.Workflows.Expressions;

/// <summary>An expression failed: it threw, ran too long, used too much memory or recursed too deep. The message is the English of <see cref="Text"/>.</summary>
internal sealed class ExpressionException(UserText text, Exception? inner = null) : Exception(text.In(Languages.English), inner)
{
    /// <summary>Why, in both languages.</summary>
    public UserText Text { get; } = text;
}
