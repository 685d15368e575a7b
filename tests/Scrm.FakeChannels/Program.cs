using System.Globalization;
using Scrm.FakeChannels;

// A stand-in for the WeChat, WeCom and Weibo APIs, for trying the product without real accounts:
//   dotnet run --project tests/Scrm.FakeChannels -- 5090
// then point Scrm:Connectors:WeChat:ApiBaseUrl at http://127.0.0.1:5090/wechat/ (and likewise wecom/, weibo/).
var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5090;
await using var server = await FakeChannelServer.StartAsync(port);
Console.WriteLine($"Fake channel APIs on {server.BaseAddress} (wechat/, wecom/, weibo/; GET fake/calls lists what was sent). Ctrl+C stops.");
await server.WaitForShutdownAsync(CancellationToken.None);
