using Scrm.Platform.Text;

namespace Scrm.Web.Shell;

/// <summary>The page's language, cascaded to every component: <c>@Ui[WebTexts.SignIn]</c> picks the text in it.</summary>
internal sealed record Ui(string Language)
{
    public static readonly Ui Chinese = new(Languages.Chinese);

    public bool English => Language == Languages.English;

    public string this[UserText text] => text.In(Language);

    public string Format(UserText text, params object?[] args) => text.In(Language, args);
}
