using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Scrm.FakeChannels;

/// <summary>A call the fake channel server accepted, as the product sent it.</summary>
public sealed record RecordedCall(string Channel, string Api, JsonObject Body);

/// <summary>A Weibo status or comment the fake server serves, newest ids highest.</summary>
public sealed record WeiboPost(long Id, string CreatedAt, string Text, long UserId, string ScreenName, long? InReplyTo = null);

/// <summary>
/// What the fake channel server knows and remembers: tokens it issued, calls it accepted, the
/// Weibo posts it serves, and failures a test asked it to inject.
/// </summary>
public sealed class FakeChannelState
{
    private readonly ConcurrentDictionary<string, byte> _validTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Failure>> _failures = new(StringComparer.Ordinal);
    private readonly Lock _weibo = new();
    private readonly List<WeiboPost> _mentions = [];
    private readonly List<WeiboPost> _comments = [];
    private int _tokenFetches;
    private int _tokenSerial;

    public ConcurrentQueue<RecordedCall> Calls { get; } = new();

    /// <summary>The Official Account's followers by OpenID, with their UnionID when the account is bound to an Open Platform account (cgi-bin/user/info).</summary>
    public ConcurrentDictionary<string, string?> Followers { get; } = new(StringComparer.Ordinal);

    /// <summary>The corporation's external contacts by external_userid, with their UnionID when it is bound to an Open Platform account (cgi-bin/externalcontact/get).</summary>
    public ConcurrentDictionary<string, string?> ExternalContacts { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Customer-service (微信客服) customers by external_userid, with their UnionID when the kf account is bound to a
    /// WeChat developer account (cgi-bin/kf/customer/batchget); a customer not here is answered as invalid.
    /// </summary>
    public ConcurrentDictionary<string, string?> KfCustomers { get; } = new(StringComparer.Ordinal);

    private readonly List<JsonObject> _kfMessages = [];
    private readonly Dictionary<string, int> _kfSent = new(StringComparer.Ordinal);

    /// <summary>Every kf/sync_msg request as the product sent it (cursor, token, open_kfid).</summary>
    public ConcurrentQueue<JsonObject> KfSyncRequests { get; } = new();

    /// <summary>A customer-service message WeCom holds for kf/sync_msg, in the API's shape (msgid, open_kfid, external_userid, send_time, origin, msgtype, text).</summary>
    public void AddKfMessage(JsonObject message)
    {
        lock (_weibo)
        {
            _kfMessages.Add(message);
        }
    }

    /// <summary>The messages after <paramref name="cursor"/> (an opaque position), at most <paramref name="limit"/>, and the cursor after them.</summary>
    internal (List<JsonObject> Messages, string NextCursor, bool HasMore) KfPage(string openKfId, string? cursor, int limit)
    {
        lock (_weibo)
        {
            var start = cursor is { Length: > 2 } c && c.StartsWith("c-", StringComparison.Ordinal) && int.TryParse(c.AsSpan(2), out var n) ? n : 0;
            var all = _kfMessages.Where(m => (string?)m["open_kfid"] == openKfId).ToList();
            var page = all.Skip(start).Take(limit).Select(m => m.DeepClone().AsObject()).ToList();
            var next = start + page.Count;
            return (page, $"c-{next}", next < all.Count);
        }
    }

    /// <summary>
    /// Whether the kf account may send <paramref name="customer"/> one more message now (and counts it):
    /// the customer wrote within 48 hours and fewer than 5 messages went to them since.
    /// </summary>
    internal bool TryTakeKfAllowance(string openKfId, string customer, DateTimeOffset now)
    {
        lock (_weibo)
        {
            var last = _kfMessages.Where(m => (string?)m["open_kfid"] == openKfId && (string?)m["external_userid"] == customer && (int?)m["origin"] == 3)
                .Select(m => (long?)m["send_time"]).Max();
            if (last is not { } seconds || now >= DateTimeOffset.FromUnixTimeSeconds(seconds).AddHours(48))
            {
                return false;
            }

            var key = $"{openKfId}\n{customer}\n{seconds}";
            var sent = _kfSent.GetValueOrDefault(key);
            if (sent >= 5)
            {
                return false;
            }

            _kfSent[key] = sent + 1;
            return true;
        }
    }

    /// <summary>The since_id of every Weibo request, per API (<c>mentions</c>, <c>comments</c>).</summary>
    public ConcurrentQueue<(string Api, long SinceId)> WeiboRequests { get; } = new();

    public int TokenFetches => Volatile.Read(ref _tokenFetches);

    /// <summary>How long a token request takes (to make concurrent refreshes overlap).</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>How long each send takes.</summary>
    public TimeSpan SendDelay { get; set; }

    public IEnumerable<RecordedCall> CallsTo(string api) => Calls.Where(c => c.Api == api);

    /// <summary>Every token issued so far stops working (the channel answers "expired").</summary>
    public void ExpireTokens() => _validTokens.Clear();

    /// <summary>The next <paramref name="times"/> calls to <paramref name="api"/> fail with the channel's error code (and HTTP status for Weibo).</summary>
    public void FailNext(string api, int errorCode, int times = 1, int httpStatus = 200)
    {
        var queue = _failures.GetOrAdd(api, _ => new ConcurrentQueue<Failure>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(new Failure(errorCode, httpStatus));
        }
    }

    public void AddMention(WeiboPost post)
    {
        lock (_weibo)
        {
            _mentions.Add(post);
        }
    }

    public void AddComment(WeiboPost post)
    {
        lock (_weibo)
        {
            _comments.Add(post);
        }
    }

    internal string IssueToken()
    {
        Interlocked.Increment(ref _tokenFetches);
        var token = $"fake-token-{Interlocked.Increment(ref _tokenSerial)}";
        _validTokens[token] = 0;
        return token;
    }

    internal bool IsValid(string? token) => token is not null && _validTokens.ContainsKey(token);

    internal Failure? NextFailure(string api) =>
        _failures.TryGetValue(api, out var queue) && queue.TryDequeue(out var failure) ? failure : null;

    /// <summary>Newest first, ids above <paramref name="sinceId"/>, one page.</summary>
    internal IReadOnlyList<WeiboPost> Page(string api, long sinceId, int count, int page)
    {
        lock (_weibo)
        {
            return (api == "mentions" ? _mentions : _comments)
                .Where(p => p.Id > sinceId)
                .OrderByDescending(p => p.Id)
                .Skip((page - 1) * count)
                .Take(count)
                .ToList();
        }
    }

    internal sealed record Failure(int ErrorCode, int HttpStatus);
}
