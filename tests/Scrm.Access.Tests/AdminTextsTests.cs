using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Access.Tests;

/// <summary>The access administration answers its field errors in Chinese unless the admin asks for English.</summary>
public sealed class AdminTextsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Refused_users_teams_keys_and_handovers_are_explained_in_chinese_unless_english_is_asked_for()
    {
        await using var app = new ScrmApp();
        await AccessClient.CreatePersonAsync(app, "li-lei", "sales");
        using var zh = app.ClientFor("admin");
        using var en = app.ClientFor("admin");
        en.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        async Task<(JsonElement Chinese, JsonElement English)> ErrorsAsync(Func<HttpClient, Task<HttpResponseMessage>> call)
        {
            var (a, b) = (await call(zh), await call(en));
            (a.StatusCode, b.StatusCode).ShouldBe((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest));
            return ((await a.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors"), (await b.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors"));
        }

        var (taken, takenEn) = await ErrorsAsync(c => c.PostAsJsonAsync("/api/v1/access/users", new { id = "li-lei", roles = new[] { "sales" } }, Ct));
        (taken.GetProperty("id")[0].GetString(), takenEn.GetProperty("id")[0].GetString()).ShouldBe(("已被占用", "is taken"));

        var (user, userEn) = await ErrorsAsync(c => c.PostAsJsonAsync("/api/v1/access/users", new { id = "a b", kind = "robot", roles = new[] { "king" } }, Ct));
        user.GetProperty("kind")[0].GetString().ShouldBe("必须是 person（人员）或 service（服务账号）");
        user.GetProperty("roles")[0].GetString()!.ShouldStartWith("每个角色必须是以下之一：");
        userEn.GetProperty("kind")[0].GetString().ShouldBe("person or service");

        var (team, teamEn) = await ErrorsAsync(c => c.PutAsJsonAsync("/api/v1/access/teams/east", new { parent = "east", members = new[] { new { userId = "nobody", weight = 1 } } }, Ct));
        (team.GetProperty("members")[0].GetString(), teamEn.GetProperty("members")[0].GetString()).ShouldBe(("未知用户：nobody", "unknown user(s): nobody"));
        team.GetProperty("parent")[0].GetString().ShouldBe("必须是另一个已存在的团队");

        var (handover, handoverEn) = await ErrorsAsync(c => c.PostAsJsonAsync("/api/v1/access/users/li-lei/deactivate", new { successor = "li-lei" }, Ct));
        (handover.GetProperty("successor")[0].GetString(), handoverEn.GetProperty("successor")[0].GetString()).ShouldBe(("接替者必须是另一位在职用户", "the successor must be another active user"));

        var (key, keyEn) = await ErrorsAsync(c => c.PostAsJsonAsync("/api/v1/access/keys", new { owner = "nobody", roles = new[] { "sales" } }, Ct));
        (key.GetProperty("owner")[0].GetString(), keyEn.GetProperty("owner")[0].GetString()).ShouldBe(("没有这个用户或服务账号", "no such user or service account"));
    }
}
