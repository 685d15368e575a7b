using MudBlazor;

namespace Scrm.Web.Shell;

/// <summary>Quiet colours: colour is kept for urgency (error red for overdue, warning for soon due).</summary>
internal static class ScrmTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f4e79",
            AppbarBackground = "#1f4e79",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"],
            },
        },
    };
}
