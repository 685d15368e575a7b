namespace Scrm.Workflows.Expressions;

/// <summary>An expression failed: it threw, ran too long, used too much memory or recursed too deep.</summary>
internal sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);
