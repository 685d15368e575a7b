namespace Scrm.Customers.Identity;

/// <summary>The kinds of identity a customer can have.</summary>
public static class IdentityTypes
{
    /// <summary>A WeChat Official Account follower's OpenID; scoped to the account.</summary>
    public const string WeChatOpenId = "wechat_openid";
    /// <summary>The WeChat Open Platform UnionID: the same person across the brand's WeChat apps and WeCom.</summary>
    public const string WeChatUnionId = "wechat_unionid";
    /// <summary>A WeCom external contact's external_userid; scoped to the corp.</summary>
    public const string WeComExternalUserId = "wecom_external_userid";
    public const string WeiboUid = "weibo_uid";
    /// <summary>A personal number (mobile, or an international number) in E.164. Landlines are never identities.</summary>
    public const string Phone = "phone";
    public const string Email = "email";
    /// <summary>The web visitor (cookie) id a form or page carried.</summary>
    public const string WebVisitor = "web_visitor";
    /// <summary>The id of an imported record in another CRM; scoped to that system.</summary>
    public const string CrmId = "crm_id";
    /// <summary>An author id on another source (generic webhooks); scoped to the channel and source.</summary>
    public const string External = "external";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        WeChatOpenId, WeChatUnionId, WeComExternalUserId, WeiboUid, Phone, Email, WebVisitor, CrmId, External,
    };

    /// <summary>
    /// Types a person has at most one of per account: two customers holding different values of one
    /// of these are two people, whatever else they share, so they are never merged automatically.
    /// </summary>
    public static bool IsSingleValued(string type) =>
        type is WeChatUnionId or WeChatOpenId or WeComExternalUserId or CrmId;

    /// <summary>Lower is stronger: which match names the customer when keys point at several.</summary>
    public static int Strength(string type) => type switch
    {
        WeChatUnionId => 0,
        CrmId => 1,
        WeChatOpenId or WeComExternalUserId or WeiboUid or External => 2,
        Email => 3,
        Phone => 4,
        _ => 5,
    };
}

/// <summary>One identity: unique on (type, account, value) across all customers.</summary>
internal readonly record struct IdentityKey(string Type, string Account, string Value)
{
    public static IdentityKey Global(string type, string value) => new(type, "", value);

    /// <summary>The (type, account) slot a single-valued type fills.</summary>
    internal (string Type, string Account) Slot => (Type, Account);

    public override string ToString() => Account.Length == 0 ? $"{Type}:{Value}" : $"{Type}:{Account}:{Value}";
}

/// <summary>Which phone numbers may link people.</summary>
internal static class PhoneKeys
{
    /// <summary>
    /// The identity a normalised number gives, or null when it must never link people: a landline
    /// (a switchboard or an office line is shared by colleagues), a service number (400/800, which
    /// normalises to no E.164 at all), or no number.
    /// </summary>
    public static IdentityKey? FromE164(string? e164)
    {
        if (string.IsNullOrEmpty(e164) || e164[0] != '+' || e164.Length < 9)
        {
            return null;
        }

        if (e164.StartsWith("+86", StringComparison.Ordinal) && !IsChinaMobile(e164.AsSpan(3)))
        {
            return null;
        }

        return IdentityKey.Global(IdentityTypes.Phone, e164);
    }

    public static bool IsChinaMobile(ReadOnlySpan<char> national) =>
        national.Length == 11 && national[0] == '1' && national[1] is >= '3' and <= '9';
}
