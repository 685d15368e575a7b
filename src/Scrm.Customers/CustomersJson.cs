using System.Text.Json.Serialization;
using Scrm.Customers.Merging;
using Scrm.Customers.Model;
using Scrm.Customers.Orders;
using Scrm.Customers.Value;

namespace Scrm.Customers;

internal sealed record TimelineLead(string? Form, string? Campaign, string? UtmSource, string? PageUrl);

internal sealed record TimelineLink(string Url);

internal sealed record TimelineAttribution(string State);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TimelineLead))]
[JsonSerializable(typeof(TimelineLink))]
[JsonSerializable(typeof(TimelineAttribution))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(CustomerSnapshot))]
[JsonSerializable(typeof(MergeBefore))]
[JsonSerializable(typeof(List<Move>))]
[JsonSerializable(typeof(OwnerDecision))]
[JsonSerializable(typeof(AuditMerge))]
[JsonSerializable(typeof(RfmCuts))]
[JsonSerializable(typeof(List<RowError>))]
internal sealed partial class CustomersJson : JsonSerializerContext;
