using System.Text;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests;

/// <summary>The hostile corpus's generated bodies are its own generators evaluated: their shape and size as the fixture's make.py writes them.</summary>
public sealed class HostileGeneratorTests
{
    [Fact]
    public void The_huge_string_case_is_the_fixtures_webhook_body_with_twenty_million_characters_of_text()
    {
        var body = Hostile.Body("json-huge-string");

        var json = JsonDocument.Parse(body).RootElement;
        (json.GetProperty("source").GetString(), json.GetProperty("externalId").GetString()).ShouldBe(("x", "1"));
        var text = json.GetProperty("text").GetString()!;
        text.Length.ShouldBe(20_000_000);
        text.All(c => c == 'a').ShouldBeTrue();
    }

    [Fact]
    public void The_deep_nesting_case_opens_and_closes_a_hundred_thousand_arrays()
    {
        var body = Encoding.ASCII.GetString(Hostile.Body("json-deep-nesting"));

        body.ShouldBe(new string('[', 100_000) + new string(']', 100_000));
    }

    [Fact]
    public void The_huge_page_case_is_two_hundred_thousand_divs_and_a_million_contact_words()
    {
        var page = Encoding.UTF8.GetString(Hostile.Body("html-huge"));

        page.Length.ShouldBe("<html><body>".Length + (5 * 200_000) + (4 * 1_000_000) + "</body></html>".Length);
        page.ShouldStartWith("<html><body><div><div>");
        page.ShouldEndWith("联系我们</body></html>");
    }

    [Theory]
    [InlineData("json-deep-nesting")]
    [InlineData("json-huge-string")]
    [InlineData("html-huge")]
    public void The_shared_reader_and_this_projects_fixture_reader_give_the_same_bytes(string id) =>
        Hostile.Body(id).AsSpan().SequenceEqual(Fixtures.Hostile(id)).ShouldBeTrue();

    [Fact]
    public void A_generator_of_another_shape_is_refused()
    {
        Should.Throw<FormatException>(() => HostileGenerator.Evaluate("'a' - 3"));
        Should.Throw<FormatException>(() => HostileGenerator.Evaluate("range(3)"));
    }
}
