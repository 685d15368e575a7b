using System.Text;

namespace Scrm.Testing;

/// <summary>
/// Evaluates the fixtures' body generators, which are Python expressions of one shape: string
/// literals repeated with <c>*</c> and joined with <c>+</c>.
/// </summary>
public static class HostileGenerator
{
    public static string Evaluate(string expression)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (true)
        {
            Skip(expression, ref i);
            var literal = ReadString(expression, ref i);
            Skip(expression, ref i);
            var times = 1;
            if (i < expression.Length && expression[i] == '*')
            {
                i++;
                Skip(expression, ref i);
                var start = i;
                while (i < expression.Length && (char.IsAsciiDigit(expression[i]) || expression[i] == '_'))
                {
                    i++;
                }

                times = int.Parse(expression[start..i].Replace("_", ""), System.Globalization.CultureInfo.InvariantCulture);
                Skip(expression, ref i);
            }

            builder.Insert(builder.Length, literal, times);
            if (i >= expression.Length)
            {
                return builder.ToString();
            }

            if (expression[i++] != '+')
            {
                throw new FormatException($"Unexpected '{expression[i - 1]}' in generator at {i - 1}.");
            }
        }
    }

    private static void Skip(string s, ref int i)
    {
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
    }

    private static string ReadString(string s, ref int i)
    {
        var quote = s[i];
        if (quote is not ('\'' or '"'))
        {
            throw new FormatException($"Expected a string literal at {i}.");
        }

        var builder = new StringBuilder();
        for (i++; s[i] != quote; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }

            builder.Append(s[i]);
        }

        i++;
        return builder.ToString();
    }
}
