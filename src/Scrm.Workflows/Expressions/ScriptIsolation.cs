using Acornima;
using Acornima.Ast;
using Jint;

namespace Scrm.Workflows.Expressions;

/// <summary>A parsed expression, and whether running it can leave something behind on the engine's global object.</summary>
internal sealed class CompiledScript(Prepared<Script> prepared, bool touchesGlobals)
{
    public Prepared<Script> Prepared { get; } = prepared;

    /// <summary>
    /// It declares a <c>var</c> outside any function, or reaches the global object through top-level
    /// <c>this</c> or <c>globalThis</c>: the engine that ran it is not handed to another instance.
    /// </summary>
    public bool TouchesGlobals { get; } = touchesGlobals;
}

/// <summary>
/// Keeps pooled engines from carrying one instance's script state into another's. Scripts run
/// inside a block, so their <c>let</c>, <c>const</c>, functions and classes are fresh on every run;
/// a script that can add to the global object marks its engine to be thrown away instead of pooled;
/// and the built-in objects are frozen when an engine is made, so no script can change them.
/// </summary>
internal static class ScriptIsolation
{
    /// <summary>The source as it runs: in a block of its own (its completion value is the block's).</summary>
    public static string Wrap(string source) => "{\n" + source + "\n}";

    public static bool TouchesGlobals(Node root)
    {
        // (node, inside a function: var is local; inside a non-arrow function or class: this is not the global object)
        var pending = new Stack<(Node Node, bool InFunction, bool OwnThis)>();
        pending.Push((root, false, false));
        while (pending.TryPop(out var item))
        {
            var (node, inFunction, ownThis) = item;
            switch (node)
            {
                case VariableDeclaration { Kind: VariableDeclarationKind.Var } when !inFunction:
                case ThisExpression when !ownThis:
                case Identifier { Name: "globalThis" }:
                    return true;
                case ArrowFunctionExpression:
                    inFunction = true;
                    break;
                case FunctionDeclaration or FunctionExpression or ClassDeclaration or ClassExpression:
                    inFunction = true;
                    ownThis = true;
                    break;
            }

            foreach (var child in node.ChildNodes)
            {
                pending.Push((child, inFunction, ownThis));
            }
        }

        return false;
    }

    /// <summary>
    /// Freezes every object reachable from the global object except the global object itself. The
    /// data properties of <c>Object.prototype</c> and the error prototypes become accessors whose
    /// setter defines the property on the object assigned to, so that <c>obj.toString = f</c> and
    /// <c>err.message = "…"</c> still work on a frozen prototype.
    /// </summary>
    public const string Harden =
        """
        (() => {
          const tame = (proto) => {
            for (const key of Reflect.ownKeys(proto)) {
              const d = Reflect.getOwnPropertyDescriptor(proto, key);
              if (!('value' in d) || !d.configurable) continue;
              const value = d.value;
              Reflect.defineProperty(proto, key, {
                get() { return value; },
                set(v) {
                  if (this === proto) throw new TypeError('Built-in objects cannot be changed.');
                  Reflect.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
                },
                enumerable: d.enumerable,
                configurable: false,
              });
            }
          };
          tame(Object.prototype);
          for (const E of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) tame(E.prototype);
          const seen = new Set();
          // Intrinsics no global property leads to: the iterator, generator and async function prototypes.
          const pending = [
            Reflect.getPrototypeOf([][Symbol.iterator]()), Reflect.getPrototypeOf(new Map()[Symbol.iterator]()),
            Reflect.getPrototypeOf(new Set()[Symbol.iterator]()), Reflect.getPrototypeOf(''[Symbol.iterator]()),
            Reflect.getPrototypeOf(/a/[Symbol.matchAll]('')), Reflect.getPrototypeOf(function* () {}),
            Reflect.getPrototypeOf(async function () {}), Reflect.getPrototypeOf(async function* () {}),
          ];
          for (const key of Reflect.ownKeys(globalThis)) {
            const d = Reflect.getOwnPropertyDescriptor(globalThis, key);
            if ('value' in d) pending.push(d.value);
          }
          while (pending.length > 0) {
            const o = pending.pop();
            if (o === null || (typeof o !== 'object' && typeof o !== 'function') || o === globalThis || seen.has(o)) continue;
            seen.add(o);
            Object.freeze(o);
            for (const key of Reflect.ownKeys(o)) {
              const d = Reflect.getOwnPropertyDescriptor(o, key);
              if ('value' in d) pending.push(d.value); else pending.push(d.get, d.set);
            }
            pending.push(Reflect.getPrototypeOf(o));
          }
        })();
        """;
}
