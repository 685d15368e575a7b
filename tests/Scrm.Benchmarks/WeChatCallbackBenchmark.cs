using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// Encrypted WeChat callbacks acknowledged per second through the real host: signature check,
/// AES-256-CBC decryption, safe XML reading, mapping and the journal commit before "success".
/// Deliveries are signed and encrypted by the clients as the platform would.
/// </summary>
internal static class WeChatCallbackBenchmark
{
    private const string Token = "pamtest";
    private const string AesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private const string AppId = "wx1234567890abcdef";

    public static async Task RunAsync(string[] args)
    {
        var clients = int.Parse(LoadDriver.Option(args, "--clients", "64"), CultureInfo.InvariantCulture);
        var seconds = double.Parse(LoadDriver.Option(args, "--seconds", "10"), CultureInfo.InvariantCulture);
        var maxRequests = long.Parse(LoadDriver.Option(args, "--max-requests", "2000000"), CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(seconds);

        await using var app = new ScrmApp(StorageUnderTest.Sqlite, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Scrm:Connectors:WeChat:Accounts:bench:AppId"] = AppId,
            ["Scrm:Connectors:WeChat:Accounts:bench:Token"] = Token,
            ["Scrm:Connectors:WeChat:Accounts:bench:EncodingAesKey"] = AesKey,
        });
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var cipher = new CallbackCipher(AesKey, AppId);
        var run = Random.Shared.NextInt64(1_000_000, 9_000_000) * 1_000_000_000;

        Console.WriteLine($"WeChat callback benchmark: {clients} clients, {seconds} s per scenario, SQLite, {Environment.ProcessorCount} cores");
        Console.WriteLine(CpuOnly(cipher, 50_000));
        for (var i = 0; i < 2_000; i++)
        {
            await PostAsync(http, cipher, run - i - 1);
        }

        var fresh = await LoadDriver.RunAsync("encrypted text, all new", clients, duration, maxRequests,
            async (_, n) => (1, await PostAsync(http, cipher, run + n)));
        Console.WriteLine(fresh);

        // The platform's retries: every message arrives three times.
        var retried = await LoadDriver.RunAsync("encrypted text, each sent 3 times", clients, duration, maxRequests,
            async (_, n) => (1, await PostAsync(http, cipher, run + 500_000_000 + n / 3)));
        Console.WriteLine(retried);

        var stats = await app.Services.GetRequiredService<JournalReader>().StatsAsync(CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"acknowledged per second (all new): {fresh.RequestsPerSecond:N0}, p99 {fresh.Percentile(99):N2} ms (target ≥ 5,000/s, p99 < 100 ms)");
        Console.WriteLine($"journal: {stats.Appended:N0} appended, {stats.Duplicates:N0} duplicates; process RSS {LoadDriver.RssMegabytes():N0} MB");
    }

    /// <summary>The connector's own share: signature, replay check, decryption, safe XML and mapping, on one thread, no I/O.</summary>
    private static string CpuOnly(CallbackCipher cipher, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var xml = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>" + ts +
                  "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好，我想了解一下你们的会员价格。]]></Content><MsgId>1</MsgId></xml>";
        var encrypted = cipher.Encrypt(xml);
        var query = new CallbackQuery(null, CallbackSignature.Compute(Token, ts, "n", encrypted), ts, "n", null, "aes");
        var body = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>";
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var opened = TencentCallback.OpenEncrypted(Token, cipher, query, body, now, ReplayWindow.Default);
            _ = TencentMessages.ToItem("wechat", "bench", opened);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return $"{"verify + decrypt + XML + map (1 thread)",-34} {count / elapsed.TotalSeconds,10:N0} msg/s   {elapsed.TotalMicroseconds / count,6:N1} µs each";
    }

    private static async Task<bool> PostAsync(HttpClient http, CallbackCipher cipher, long msgId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = (msgId % 1_000_000_007).ToString(CultureInfo.InvariantCulture);
        var xml = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oUser" + (msgId % 9973).ToString(CultureInfo.InvariantCulture) +
                  "]]></FromUserName><CreateTime>" + now + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好，我想了解一下你们的会员价格。]]></Content><MsgId>" +
                  msgId.ToString(CultureInfo.InvariantCulture) + "</MsgId></xml>";
        var encrypted = cipher.Encrypt(xml);
        var query = $"/connectors/wechat/bench?signature={CallbackSignature.Compute(Token, now, nonce)}&timestamp={now}&nonce={nonce}" +
                    $"&openid=o&encrypt_type=aes&msg_signature={CallbackSignature.Compute(Token, now, nonce, encrypted)}";
        using var content = new StringContent($"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>", Encoding.UTF8, "text/xml");
        using var response = await http.PostAsync(query, content);
        return response.StatusCode == HttpStatusCode.OK;
    }
}
