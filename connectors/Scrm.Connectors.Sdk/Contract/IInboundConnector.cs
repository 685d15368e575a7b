using Scrm.Ingestion;

namespace Scrm.Connectors.Sdk.Contract;

/// <summary>
/// The inbound half of the connector contract: authenticate one delivery from the channel, read
/// it, and name it with an idempotency key that is stable across the channel's redeliveries
/// (channel + account + the channel's own id). Null means "acknowledge, nothing to store".
/// Refusals are exceptions carrying their category (<see cref="Tencent.CallbackRejectedException"/>).
/// </summary>
public interface IInboundConnector<in TDelivery>
{
    string Channel { get; }

    InboundItem? Parse(string account, TDelivery delivery, DateTimeOffset now);
}
