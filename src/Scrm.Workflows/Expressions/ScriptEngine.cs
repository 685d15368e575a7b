using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Constraints;
using Jint.Runtime;
using Microsoft.Extensions.Options;

namespace Scrm.Workflows.Expressions;

/// <summary>Limits every expression runs under; a script past one faults its step, never the process.</summary>
internal sealed class ScriptOptions
{
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    public int MaxStatements { get; set; } = 100_000;

    public long MaxMemoryBytes { get; set; } = 16 * 1024 * 1024;

    public int MaxRecursion { get; set; } = 64;

    public int MaxScriptLength { get; set; } = 16 * 1024;
}

/// <summary>
/// Jint with limits, a cache of parsed scripts (one parse per distinct source, shared by every
/// instance) and a pool of engines, so an evaluation costs neither a parse nor an engine. Pooled
/// engines carry nothing from one instance to the next (see <see cref="ScriptIsolation"/>).
/// </summary>
internal sealed class ScriptEngine(IOptions<WorkflowsOptions> options)
{
    private const int MaxCachedScripts = 20_000;
    private readonly ConcurrentDictionary<string, CompiledScript> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Engine> _engines = new();
    private int _pooled;
    private readonly ScriptOptions _limits = options.Value.Scripts;

    /// <summary>Parses (or finds) a script; a syntax error is an <see cref="ExpressionException"/>.</summary>
    internal CompiledScript Prepare(string source)
    {
        if (_scripts.TryGetValue(source, out var compiled))
        {
            return compiled;
        }

        if (source.Length > _limits.MaxScriptLength)
        {
            throw new ExpressionException(ScriptTexts.TooLong.Filled(source.Length, _limits.MaxScriptLength));
        }

        try
        {
            // Parsed as written first, so that errors name the author's lines and a stray '}' cannot escape the block it runs in.
            var written = Engine.PrepareScript(source, strict: true);
            compiled = new CompiledScript(Engine.PrepareScript(ScriptIsolation.Wrap(source), strict: true), ScriptIsolation.TouchesGlobals(written.Program!));
        }
        catch (Exception ex) when (ex.GetBaseException() is ParseErrorException parse)
        {
            throw new ExpressionException(ScriptTexts.Parse(parse.LineNumber, parse.Column + 1, parse.Description), ex);
        }

        if (_scripts.Count >= MaxCachedScripts)
        {
            _scripts.Clear();
        }

        _scripts.TryAdd(source, compiled);
        return compiled;
    }

    /// <summary>A JavaScript template literal for a message template (<c>Hello ${vars.name}</c>).</summary>
    public static string TemplateSource(string template) =>
        "`" + template.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal) + "`";

    internal Engine Rent()
    {
        if (_engines.TryDequeue(out var engine))
        {
            Interlocked.Decrement(ref _pooled);
            return engine;
        }

        return Create();
    }

    internal void Return(Engine engine)
    {
        // A counter, not the collection's count: counting a concurrent collection locks it, and every burst returns an engine.
        // Making an engine (with its built-ins frozen) costs far more than keeping one: keep plenty.
        if (Interlocked.Increment(ref _pooled) <= 32 * Environment.ProcessorCount)
        {
            _engines.Enqueue(engine);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
        }
    }

    /// <summary>Evaluates a prepared script on an engine whose globals the caller has set.</summary>
    internal static JsonNode? Evaluate(Engine engine, in Prepared<Script> script)
    {
        try
        {
            return JsValues.ToJson(engine.Evaluate(script));
        }
        catch (JavaScriptException ex)
        {
            throw new ExpressionException(ScriptTexts.Thrown(ex.Message), ex);
        }
        catch (TimeoutException ex)
        {
            throw new ExpressionException(ScriptTexts.TimeLimit, ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            throw new ExpressionException(ScriptTexts.Statements, ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            throw new ExpressionException(ScriptTexts.Memory, ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            throw new ExpressionException(ScriptTexts.Recursion, ex);
        }
        catch (ExecutionCanceledException ex)
        {
            throw new ExpressionException(ScriptTexts.Cancelled, ex);
        }
        catch (JintException ex)
        {
            throw new ExpressionException(ScriptTexts.Failed.Filled(ex.Message), ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new ExpressionException(ScriptTexts.Failed.Filled(ex.Message), ex);
        }
    }

    private Engine Create()
    {
        // Time is bounded per evaluation by a deadline the scope arms (see ScriptScope), so that the
        // one-off hardening below runs unbounded; statements are limited only once it has run.
        var engine = new Engine(o =>
        {
            o.Constraint(new OperationDeadlineConstraint());
            o.MaxStatements(int.MaxValue - 1);
            o.LimitMemory(_limits.MaxMemoryBytes);
            o.LimitRecursion(_limits.MaxRecursion);
            o.Strict();
            o.DisableStringCompilation();
            o.Interop.Enabled = false;
        });
        engine.Execute(ScriptIsolation.Harden);
        engine.Constraints.Find<MaxStatementsConstraint>()!.MaxStatements = _limits.MaxStatements;
        return engine;
    }

    /// <summary>How long one evaluation may run.</summary>
    internal TimeSpan Timeout => _limits.Timeout;

    /// <summary>An engine a script may have left state on: never pooled again.</summary>
    internal static void Discard(Engine engine) => engine.Dispose();
}
