using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Scrm.Campaigns.Storage;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;

namespace Scrm.Campaigns.Channels;

/// <summary>An e-mail: subject, plain text, and the link that unsubscribes this recipient (also sent as <c>List-Unsubscribe</c>).</summary>
internal sealed record EmailContent(string Subject, string Text, Uri? UnsubscribeUrl) : OutboundContent;

/// <summary>E-mail over SMTP with MailKit (<c>Scrm:Campaigns:Email</c>); each idempotency key is sent at most once and is the Message-Id's local part.</summary>
internal sealed class EmailSender(OutboundLedger<CampaignsDbContext> ledger, IOptions<CampaignsOptions> options) : IOutboundChannel
{
    public string Channel => "email";

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var email = options.Value.Email;
        if (email.Host is not { Length: > 0 } || email.From is not { Length: > 0 })
        {
            return new SendResult(SendStatus.NotConfigured, Detail: "No SMTP server is configured (Scrm:Campaigns:Email:Host and From).");
        }

        if (message.Content is not EmailContent { Subject.Length: > 0, Text.Length: > 0 } content)
        {
            return new SendResult(SendStatus.Rejected, Detail: "E-mail needs a subject and text.");
        }

        if (!MailboxAddress.TryParse(message.Recipient, out var to))
        {
            return new SendResult(SendStatus.RecipientUnavailable, Detail: "Not an e-mail address.");
        }

        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(email.From));
        mime.To.Add(to);
        mime.Subject = content.Subject;
        mime.MessageId = $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(message.IdempotencyKey)))[..32]}@scrm";
        var text = content.Text;
        if (content.UnsubscribeUrl is { } unsubscribe)
        {
            mime.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            if (!text.Contains(unsubscribe.ToString(), StringComparison.Ordinal))
            {
                text += $"\n\n退订 / Unsubscribe: {unsubscribe}";
            }
        }

        mime.Body = new TextPart("plain") { Text = text };
        return await ledger.SendOnceAsync(message, async ct =>
        {
            using var smtp = new SmtpClient();
            try
            {
                await smtp.ConnectAsync(email.Host, email.Port, email.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, ct);
                if (email.UserName is { Length: > 0 } user)
                {
                    await smtp.AuthenticateAsync(user, email.Password ?? "", ct);
                }
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or SslHandshakeException or AuthenticationException or ProtocolException or IOException)
            {
                // Nothing was handed over: the key is free again.
                return new SendResult(SendStatus.Unavailable, Detail: "The SMTP server could not be reached or refused the login.");
            }

            try
            {
                await smtp.SendAsync(mime, ct);
            }
            catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted)
            {
                return new SendResult(SendStatus.RecipientUnavailable, Detail: "The SMTP server refused the recipient.");
            }
            catch (SmtpCommandException ex)
            {
                return (int)ex.StatusCode >= 500
                    ? new SendResult(SendStatus.Rejected, Detail: $"The SMTP server refused the message ({(int)ex.StatusCode}).")
                    : new SendResult(SendStatus.Unavailable, Detail: $"The SMTP server deferred the message ({(int)ex.StatusCode}).");
            }

            await smtp.DisconnectAsync(true, CancellationToken.None);
            return new SendResult(SendStatus.Sent, mime.MessageId);
        }, cancellationToken);
    }
}
