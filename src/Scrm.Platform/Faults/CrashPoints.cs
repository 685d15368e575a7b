using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Scrm.Platform.Faults;

/// <summary>
/// Named places where a crash test ends the process at once, as <c>kill -9</c> would: no
/// <c>finally</c>, no disposal, no flush, no graceful stop. Nothing is armed unless fault injection
/// was enabled for a test host (<see cref="FaultInjectionOptions"/>); a point is armed by name and
/// fires on its Nth arrival. Unarmed, a point costs one static read.
/// </summary>
/// <remarks>
/// Process-wide by nature: arm points only in a child host process, never in a test runner.
/// </remarks>
public static class CrashPoints
{
    /// <summary>Between the journal's commit of an append and the answer to its caller.</summary>
    public const string JournalAppended = "journal.appended";

    /// <summary>A workflow burst has run (its effects are committed in their stores), its step records are not yet written.</summary>
    public const string BurstBeforeRecord = "workflows.burst.before-record";

    /// <summary>Inside the workflow engine's group-commit transaction, before it commits.</summary>
    public const string InstanceCommitWriting = "workflows.commit.writing";

    /// <summary>The workflow engine's group commit has committed; its waiters (timers, outbox) have not heard back.</summary>
    public const string InstanceCommitted = "workflows.commit.committed";

    private static Armed? _armed;

    /// <summary>The point inside an effect's transaction, before it commits (<c>lead.create:committing</c>).</summary>
    public static string EffectCommitting(string effect) => effect + ":committing";

    /// <summary>The point just after an effect and its recorded outcome committed, before the caller hears back (<c>lead.create:committed</c>).</summary>
    public static string EffectCommitted(string effect) => effect + ":committed";

    /// <summary>Ends the process here if this point is armed and this is the arrival it waits for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Reach(string point)
    {
        if (Volatile.Read(ref _armed) is { } armed)
        {
            armed.Arrive(point);
        }
    }

    /// <summary>Like <see cref="Reach(string)"/> for an effect's phase, without building the name unless something is armed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Reach(string effect, bool committed)
    {
        if (Volatile.Read(ref _armed) is { } armed)
        {
            armed.Arrive(committed ? EffectCommitted(effect) : EffectCommitting(effect));
        }
    }

    /// <summary>Arms <paramref name="point"/> to end the process on its <paramref name="arrival"/>th arrival from now; replaces any armed point.</summary>
    public static void Arm(string point, int arrival = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(point);
        ArgumentOutOfRangeException.ThrowIfLessThan(arrival, 1);
        Volatile.Write(ref _armed, new Armed(point, arrival));
    }

    /// <summary>Parses <c>name</c> or <c>name#N</c> (the Nth arrival).</summary>
    public static (string Point, int Arrival) Parse(string text)
    {
        var hash = text.LastIndexOf('#');
        return hash > 0 && int.TryParse(text.AsSpan(hash + 1), out var n) && n >= 1 ? (text[..hash].Trim(), n) : (text.Trim(), 1);
    }

    public static void Disarm() => Volatile.Write(ref _armed, null);

    private sealed class Armed(string point, int arrival)
    {
        private int _arrivals;

        public void Arrive(string reached)
        {
            if (string.Equals(reached, point, StringComparison.Ordinal) && Interlocked.Increment(ref _arrivals) == arrival)
            {
                Console.Error.WriteLine($"Crash point '{point}' reached (arrival {arrival}): the process ends now.");
                using var self = Process.GetCurrentProcess();
                self.Kill();
                Environment.FailFast($"Crash point '{point}' reached.");
            }
        }
    }
}
