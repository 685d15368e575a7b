using PhoneNumbers;

namespace Scrm.Platform.Contacts;

/// <summary>
/// Where a mainland number is registered, as people write it: province and city without their
/// 省/市 suffixes (广东, 深圳). The city is null when the area code serves several cities (024: 沈阳,
/// 铁岭, 抚顺, 本溪) or the data knows only the country (newer mobile ranges).
/// </summary>
public sealed record PhoneRegion(string Province, string? City);

/// <summary>
/// Reads libphonenumber's offline geocoding data (embedded in the package, zh descriptions such as
/// "广东省深圳市") into <see cref="PhoneRegion"/>s. The library loads each country's data lazily into
/// a dictionary that is not safe for concurrent first loads, so lookups are serialised (a lookup is
/// a binary search: microseconds).
/// </summary>
internal static class PhoneRegions
{
    private static readonly Lock Gate = new();
    private static readonly Locale Chinese = new("zh", "CN");

    /// <summary>The 34 provincial-level divisions: the full name the data uses and the short name people write.</summary>
    private static readonly (string Full, string Short)[] Provinces =
    [
        ("北京市", "北京"), ("天津市", "天津"), ("上海市", "上海"), ("重庆市", "重庆"),
        ("河北省", "河北"), ("山西省", "山西"), ("辽宁省", "辽宁"), ("吉林省", "吉林"), ("黑龙江省", "黑龙江"),
        ("江苏省", "江苏"), ("浙江省", "浙江"), ("安徽省", "安徽"), ("福建省", "福建"), ("江西省", "江西"),
        ("山东省", "山东"), ("河南省", "河南"), ("湖北省", "湖北"), ("湖南省", "湖南"), ("广东省", "广东"),
        ("海南省", "海南"), ("四川省", "四川"), ("贵州省", "贵州"), ("云南省", "云南"), ("陕西省", "陕西"),
        ("甘肃省", "甘肃"), ("青海省", "青海"), ("台湾省", "台湾"),
        ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"), ("西藏自治区", "西藏"), ("宁夏回族自治区", "宁夏"),
        ("新疆维吾尔自治区", "新疆"), ("香港特别行政区", "香港"), ("澳门特别行政区", "澳门"),
    ];

    private static readonly HashSet<string> Municipalities = ["北京", "天津", "上海", "重庆"];

    public static PhoneRegion? Of(string? e164)
    {
        if (e164 is null || !e164.StartsWith("+86", StringComparison.Ordinal) || e164.Length < 10)
        {
            return null;
        }

        string description;
        try
        {
            var number = PhoneNumberUtil.GetInstance().Parse(e164, null);
            lock (Gate)
            {
                description = PhoneNumberOfflineGeocoder.GetInstance().GetDescriptionForNumber(number, Chinese);
            }
        }
        catch (NumberParseException)
        {
            return null;
        }

        return Parse(description);
    }

    /// <summary>"广东省深圳市" → (广东, 深圳); "北京市" → (北京, 北京); "辽宁省沈阳市、铁岭市" → (辽宁, null); "中国" → null.</summary>
    internal static PhoneRegion? Parse(string description)
    {
        foreach (var (full, shortName) in Provinces)
        {
            var rest = description.StartsWith(full, StringComparison.Ordinal) ? description[full.Length..]
                : description.StartsWith(shortName, StringComparison.Ordinal) ? description[shortName.Length..]
                : null;
            if (rest is null)
            {
                continue;
            }

            if (rest.Length == 0)
            {
                return new PhoneRegion(shortName, Municipalities.Contains(shortName) ? shortName : null);
            }

            return new PhoneRegion(shortName, rest.Contains('、', StringComparison.Ordinal) ? null : City(rest));
        }

        return null;
    }

    private static string City(string name)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["市", "地区"])
        {
            if (name.Length > suffix.Length + 1 && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }
}
