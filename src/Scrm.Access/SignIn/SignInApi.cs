using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Scrm.Access.Storage;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Access.SignIn;

/// <summary>What a signed-in person learns about themselves.</summary>
internal sealed record MeView(string Id, string? DisplayName, IReadOnlyList<string> Roles, IReadOnlyDictionary<string, string> Scopes, bool TwoFactor, string Via);

internal sealed record AntiforgeryView(string Token, string HeaderName, string FormFieldName);

internal sealed record AuthenticatorSetup(string SharedKey, string Uri);

internal sealed record CodeRequest(string? Code);

internal sealed record PasswordChange(string? Current, string? New);

/// <summary>
/// Sign-in for people: form posts (the web app's sign-in page posts the same form) guarded by
/// anti-forgery, a cookie session, an optional TOTP second factor, an optional company identity
/// provider. Every sign-in, failure, lockout and sign-out is audited.
/// </summary>
internal static class SignInApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").WithTags("Sign-in");
        account.MapGet("/antiforgery", Antiforgery).AllowAnonymous()
            .WithSummary("An anti-forgery token (and its cookie) for the sign-in form and for cookie-authenticated changes (send it as X-XSRF-TOKEN).");
        account.MapPost("/sign-in", SignInAsync).AllowAnonymous().DisableRequestTimeout()
            .WithSummary("Signs in with user name, password and, when enabled, a TOTP code (form post with the anti-forgery field).");
        account.MapPost("/sign-out", SignOutAsync).RequireAuthorization(ScrmPolicies.Staff)
            .WithSummary("Ends this session and every other session of the person (form post with the anti-forgery field).");
        account.MapGet("/sign-in/oidc", Challenge).AllowAnonymous()
            .WithSummary("Starts sign-in with the company's identity provider, when one is configured.");

        var me = app.MapGroup("/api/v1/me").WithTags("Sign-in").RequireAuthorization(ScrmPolicies.Staff);
        me.MapGet("", MeAsync).WithSummary("Who I am: roles and the reach of each role per kind of record.");
        me.MapPost("/password", ChangePasswordAsync).WithSummary("Changes my password (current and new).");
        me.MapPost("/two-factor/setup", SetupAsync).WithSummary("A new authenticator key (shown once) to scan into an authenticator app.");
        me.MapPost("/two-factor/enable", EnableAsync).WithSummary("Turns the second factor on with a code from the authenticator app.");
        me.MapPost("/two-factor/disable", DisableAsync).WithSummary("Turns the second factor off.");
    }

    private static Ok<AntiforgeryView> Antiforgery(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return TypedResults.Ok(new AntiforgeryView(tokens.RequestToken!, tokens.HeaderName!, tokens.FormFieldName));
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] string? userName, [FromForm] string? password, [FromForm] string? code,
        UserManager<AccessUser> users, SignInManager<AccessUser> signIn, IAuditTrail audit, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || userName.Length > 128 || password.Length > 256)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userName"] = [Texts.Required.In(http)] });
        }

        var user = await users.FindByNameAsync(userName);
        if (user is not { Kind: UserKinds.Person, Active: true })
        {
            await audit.RecordAsync(new AuditEvent(userName, "sign-in.failed", "user", userName, Json.Object(("reason", "unknown or inactive"))), ct);
            return Refused(locked: false, http);
        }

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            await audit.RecordAsync(new AuditEvent(user.Id, "sign-in.locked", "user", user.Id), ct);
            return Refused(locked: true, http);
        }

        if (!result.Succeeded)
        {
            await audit.RecordAsync(new AuditEvent(user.Id, "sign-in.failed", "user", user.Id, Json.Object(("reason", "password"))), ct);
            return Refused(locked: false, http);
        }

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                return TypedResults.Problem(Texts.CodeRequired.In(http), statusCode: StatusCodes.Status401Unauthorized,
                    title: Texts.CodeRequiredTitle.In(http), extensions: new Dictionary<string, object?> { ["twoFactorRequired"] = true });
            }

            if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code.Replace(" ", "", StringComparison.Ordinal)))
            {
                await users.AccessFailedAsync(user);
                await audit.RecordAsync(new AuditEvent(user.Id, "sign-in.failed", "user", user.Id, Json.Object(("reason", "second factor"))), ct);
                return Refused(locked: await users.IsLockedOutAsync(user), http);
            }
        }

        await users.ResetAccessFailedCountAsync(user);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", user.TwoFactorEnabled ? "mfa" : "pwd")]);
        await audit.RecordAsync(new AuditEvent(user.Id, "sign-in", "user", user.Id, Json.Object(("twoFactor", user.TwoFactorEnabled))), ct);
        return TypedResults.Ok(new { id = user.Id, displayName = user.DisplayName });
    }

    private static ProblemHttpResult Refused(bool locked, HttpContext http) => TypedResults.Problem(
        (locked ? Texts.Locked : Texts.Wrong).In(http),
        statusCode: StatusCodes.Status401Unauthorized, title: Texts.RefusedTitle.In(http),
        extensions: new Dictionary<string, object?> { ["lockedOut"] = locked });

    private static async Task<IResult> SignOutAsync(
        [FromForm] string? all, UserManager<AccessUser> users, SignInManager<AccessUser> signIn, IAuditTrail audit, HttpContext http, CancellationToken ct)
    {
        _ = all;
        var caller = Caller.Of(http.User);
        if (await users.FindByIdAsync(caller.Id) is { } user)
        {
            // A new stamp refuses every cookie issued before, including copies of this one.
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        await audit.RecordAsync(new AuditEvent(caller.Id, "sign-out", "user", caller.Id), ct);
        return TypedResults.NoContent();
    }

    private static IResult Challenge(IOptions<AccessOptions> options, string? returnUrl) =>
        options.Value.Oidc.Enabled
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = returnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) ? r : "/" },
                [AccessModule.OidcScheme])
            : TypedResults.NotFound();

    private static async Task<Ok<MeView>> MeAsync(HttpContext http, UserManager<AccessUser> users)
    {
        var caller = Caller.Of(http.User);
        var user = await users.FindByIdAsync(caller.Id);
        return TypedResults.Ok(new MeView(caller.Id, user?.DisplayName, [.. caller.Roles.Order(StringComparer.Ordinal)],
            DataResources.All.ToDictionary(r => r, r => caller.Scope(r) is { IsAll: true } ? "all" : string.Join(",", caller.Scope(r).Owners!.Order(StringComparer.Ordinal))),
            user?.TwoFactorEnabled ?? false, http.User.Identity?.AuthenticationType ?? ""));
    }

    private static async Task<IResult> ChangePasswordAsync(PasswordChange request, HttpContext http, UserManager<AccessUser> users, SignInManager<AccessUser> signIn, IAuditTrail audit, CancellationToken ct)
    {
        if (await Person(http, users) is not { } user)
        {
            return TypedResults.Problem(Texts.PersonPassword.In(http), statusCode: StatusCodes.Status400BadRequest);
        }

        var changed = await users.ChangePasswordAsync(user, request.Current ?? "", request.New ?? "");
        if (!changed.Succeeded)
        {
            return TypedResults.ValidationProblem(IdentityTexts.Errors(changed, users.Options.Password, passwordField: "new").ToDictionary(http.Language()));
        }

        // The new security stamp ended every session, this one too: it is renewed, the others stay ended.
        await signIn.RefreshSignInAsync(user);
        await audit.RecordAsync(new AuditEvent(user.Id, "password.change", "user", user.Id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SetupAsync(HttpContext http, UserManager<AccessUser> users, SignInManager<AccessUser> signIn)
    {
        if (await Person(http, users) is not { } user)
        {
            return TypedResults.Problem(Texts.PersonSetup.In(http), statusCode: StatusCodes.Status400BadRequest);
        }

        await users.ResetAuthenticatorKeyAsync(user);
        await signIn.RefreshSignInAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        var uri = $"otpauth://totp/Scrm:{Uri.EscapeDataString(user.Id)}?secret={key}&issuer=Scrm&digits=6";
        return TypedResults.Ok(new AuthenticatorSetup(key, uri));
    }

    private static async Task<IResult> EnableAsync(CodeRequest request, HttpContext http, UserManager<AccessUser> users, SignInManager<AccessUser> signIn, IAuditTrail audit, CancellationToken ct)
    {
        if (await Person(http, users) is not { } user)
        {
            return TypedResults.Problem(Texts.PersonSetup.In(http), statusCode: StatusCodes.Status400BadRequest);
        }

        if (string.IsNullOrWhiteSpace(request.Code) || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, request.Code))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = [Texts.WrongCode.In(http)] });
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        await signIn.RefreshSignInAsync(user);
        await audit.RecordAsync(new AuditEvent(user.Id, "two-factor.enable", "user", user.Id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> DisableAsync(HttpContext http, UserManager<AccessUser> users, SignInManager<AccessUser> signIn, IAuditTrail audit, CancellationToken ct)
    {
        if (await Person(http, users) is not { } user)
        {
            return TypedResults.Problem(Texts.PersonChange.In(http), statusCode: StatusCodes.Status400BadRequest);
        }

        await users.SetTwoFactorEnabledAsync(user, false);
        await signIn.RefreshSignInAsync(user);
        await audit.RecordAsync(new AuditEvent(user.Id, "two-factor.disable", "user", user.Id), ct);
        return TypedResults.NoContent();
    }

    /// <summary>The person behind a cookie session (an API key cannot change a password or a second factor).</summary>
    private static async Task<AccessUser?> Person(HttpContext http, UserManager<AccessUser> users) =>
        http.User.FindFirst(ScrmClaims.KeyId) is null && await users.FindByIdAsync(Caller.Of(http.User).Id) is { Kind: UserKinds.Person } user ? user : null;

    /// <summary>What sign-in says, Chinese first.</summary>
    private static class Texts
    {
        public static readonly UserText Required = new("用户名和密码为必填项", "user name and password are required");
        public static readonly UserText WrongCode = new("不是身份验证器当前的验证码", "is not the authenticator's current code");
        public static readonly UserText CodeRequired = new("需要身份验证器应用中的验证码。", "A code from the authenticator app is required.");
        public static readonly UserText CodeRequiredTitle = new("需要第二重验证", "Second factor required");
        public static readonly UserText Locked = new("失败次数过多：账号已暂时锁定，管理员可以解锁。", "Too many failed attempts: the account is locked for a while. An admin can unlock it.");
        public static readonly UserText Wrong = new("用户名或密码错误。", "The user name or password is wrong.");
        public static readonly UserText RefusedTitle = new("登录被拒绝", "Sign-in refused");
        public static readonly UserText PersonPassword = new("只有已登录的个人用户可以修改密码。", "Only a person signed in can change their password.");
        public static readonly UserText PersonSetup = new("只有已登录的个人用户可以设置第二重验证。", "Only a person signed in can set up a second factor.");
        public static readonly UserText PersonChange = new("只有已登录的个人用户可以更改第二重验证。", "Only a person signed in can change their second factor.");
    }
}
