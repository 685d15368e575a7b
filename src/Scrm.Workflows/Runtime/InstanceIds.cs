using System.Security.Cryptography;
using System.Text;

namespace Scrm.Workflows.Runtime;

/// <summary>Instance ids: random for runs by hand, derived from the stimulus for everything that can be redelivered.</summary>
internal static class InstanceIds
{
    public static string New() => Guid.CreateVersion7().ToString();

    /// <summary>A step's idempotency key: its side effects run under it (ADR 0006), and a replay of the step has the same one.</summary>
    public static string StepKey(string instanceId, string activityId, int iteration) => $"{instanceId}:{activityId}:{iteration}";

    /// <summary>The same text always gives the same id, so a redelivered start finds the instance it already made.</summary>
    public static string Derive(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16]).ToString();
    }
}

/// <summary>The outbox entry that starts a child instance after its parent's commit.</summary>
internal static class ChildStart
{
    public const string Name = "workflow.start";
}
