using Microsoft.AspNetCore.Identity;
using Scrm.Platform.Text;

namespace Scrm.Access.SignIn;

/// <summary>
/// ASP.NET Core Identity's refusals in both languages, by their codes (Identity describes them in
/// English only). The field a refusal belongs to comes with it; a code not known here keeps
/// Identity's own description.
/// </summary>
internal static class IdentityTexts
{
    private static readonly UserText TooShort = new("密码至少需要 {0} 个字符", "at least {0} characters");
    private static readonly UserText Digit = new("密码至少需要一个数字（0-9）", "at least one digit (0-9)");
    private static readonly UserText Lower = new("密码至少需要一个小写字母（a-z）", "at least one lowercase letter (a-z)");
    private static readonly UserText Upper = new("密码至少需要一个大写字母（A-Z）", "at least one uppercase letter (A-Z)");
    private static readonly UserText Symbol = new("密码至少需要一个字母和数字以外的字符", "at least one character that is not a letter or digit");
    private static readonly UserText Unique = new("密码至少需要 {0} 个不同的字符", "at least {0} different characters");
    private static readonly UserText Mismatch = new("当前密码不正确", "the current password is not correct");
    private static readonly UserText Email = new("不是有效的电子邮件地址", "is not a valid e-mail address");
    private static readonly UserText EmailTaken = new("已被另一位用户使用", "is used by another user");
    private static readonly UserText UserName = new("不是有效的用户名", "is not a valid user name");
    private static readonly UserText UserNameTaken = new("已被占用", "is taken");
    private static readonly UserText Concurrency = new("已被他人修改，请重新载入后再试", "was changed by someone else; reload and try again");

    /// <summary>The field, text and holes for one of Identity's refusals under <paramref name="password"/>'s rules.</summary>
    public static (string Field, UserText Text, object?[] Args) Of(IdentityError error, PasswordOptions password) => error.Code switch
    {
        nameof(IdentityErrorDescriber.PasswordTooShort) => ("password", TooShort, [password.RequiredLength]),
        nameof(IdentityErrorDescriber.PasswordRequiresDigit) => ("password", Digit, []),
        nameof(IdentityErrorDescriber.PasswordRequiresLower) => ("password", Lower, []),
        nameof(IdentityErrorDescriber.PasswordRequiresUpper) => ("password", Upper, []),
        nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric) => ("password", Symbol, []),
        nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => ("password", Unique, [password.RequiredUniqueChars]),
        nameof(IdentityErrorDescriber.PasswordMismatch) => ("current", Mismatch, []),
        nameof(IdentityErrorDescriber.InvalidEmail) => ("email", Email, []),
        nameof(IdentityErrorDescriber.DuplicateEmail) => ("email", EmailTaken, []),
        nameof(IdentityErrorDescriber.InvalidUserName) => ("id", UserName, []),
        nameof(IdentityErrorDescriber.DuplicateUserName) => ("id", UserNameTaken, []),
        nameof(IdentityErrorDescriber.ConcurrencyFailure) => ("user", Concurrency, []),
        _ => ("user", UserText.Plain(error.Description, error.Description), []),
    };

    /// <summary>Every refusal of <paramref name="result"/> as field errors; <paramref name="passwordField"/> names the field a password rule is about.</summary>
    public static FieldErrors Errors(IdentityResult result, PasswordOptions password, string passwordField = "password")
    {
        var errors = new FieldErrors();
        foreach (var error in result.Errors)
        {
            var (field, text, args) = Of(error, password);
            errors.Add(field == "password" ? passwordField : field, text, args);
        }

        return errors;
    }
}
