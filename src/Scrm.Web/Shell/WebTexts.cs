using Scrm.Platform.Text;

namespace Scrm.Web.Shell;

/// <summary>The app's own words, Chinese first (the API's texts come from the modules).</summary>
internal static class WebTexts
{
    public static readonly UserText AppName = new("Scrm 客户中心", "Scrm");
    public static readonly UserText SignIn = new("登录", "Sign in");
    public static readonly UserText SignOut = new("退出登录", "Sign out");
    public static readonly UserText UserName = new("用户名", "User name");
    public static readonly UserText Password = new("密码", "Password");
    public static readonly UserText Code = new("验证码（如已开启两步验证）", "Authenticator code (if two-factor is on)");
    public static readonly UserText WrongPassword = new("用户名或密码错误", "The user name or password is wrong");
    public static readonly UserText LockedOut = new("尝试次数过多，账号已暂时锁定，请联系管理员", "Too many failed attempts: the account is locked for a while; ask an admin");
    public static readonly UserText CodeRequired = new("请输入验证器中的验证码", "Enter the code from your authenticator app");
    public static readonly UserText SignInFailed = new("登录失败，请稍后再试", "Sign-in failed; try again shortly");
    public static readonly UserText Search = new("全局搜索（客户、会话、线索、提及）", "Search customers, conversations, leads, mentions");
    public static readonly UserText SearchButton = new("搜索", "Search");
    public static readonly UserText Workspaces = new("工作台", "Workspaces");
    public static readonly UserText SwitchLanguage = new("English", "中文");
    public static readonly UserText SwitchLanguageLabel = new("切换到英文", "Switch to Chinese");
    public static readonly UserText NoWorkspace = new("您的角色没有可用的工作台", "Your roles open no workspace");
    public static readonly UserText NotFound = new("页面不存在，或您无权查看", "Not found, or not yours to see");
    public static readonly UserText NotFoundTitle = new("404 未找到", "404 Not found");
    public static readonly UserText NoResults = new("没有找到结果", "No results");
    public static readonly UserText Results = new("共 {0} 条结果", "{0} results");
    public static readonly UserText SearchUnavailable = new("搜索暂时不可用，请稍后再试", "Search is not answering; try again shortly");
    public static readonly UserText SearchInvalid = new("搜索条件无效：{0}", "The search is not valid: {0}");
    public static readonly UserText Soon = new("此工作台即将推出", "This workspace is coming soon");
    public static readonly UserText SignedInAs = new("当前用户：{0}", "Signed in as {0}");
}
