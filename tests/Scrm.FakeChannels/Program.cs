using System.Globalization;
using Scrm.FakeChannels;

// A stand-in for the WeChat, WeCom and Weibo platforms, for trying the product without real accounts
// (see the README, "Try the connectors without accounts"):
//   dotnet run --project tests/Scrm.FakeChannels -- 5090 --scrm http://127.0.0.1:5080/
var port = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5090;
var at = Array.IndexOf(args, "--scrm");
var scrm = at >= 0 && at + 1 < args.Length ? new Uri(args[at + 1].TrimEnd('/') + "/") : new Uri("http://127.0.0.1:5080/");
await using var server = await FakeChannelServer.StartAsync(port, scrm);
Console.WriteLine($"Fake channel platforms on {server.BaseAddress} (wechat/, wecom/, weibo/; GET fake/calls lists what was sent; "
    + $"POST fake/wechat/callbacks and fake/wecom/callbacks send callbacks to {scrm}). Ctrl+C stops.");
await server.WaitForShutdownAsync(CancellationToken.None);
