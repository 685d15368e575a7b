using Scrm.Platform.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Scrm.Customers.Orders;
using Scrm.Platform.Http;
using Scrm.Platform.Tables;
using Microsoft.Extensions.Logging;

namespace Scrm.Customers.Api;

internal static class OrdersApi
{
    public const int MaxOrdersPerRequest = 500;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/orders").WithTags("Orders");
        group.MapPost("", RecordAsync).RequireAuthorization(CustomerPolicies.Orders).WithMaxRequestBodySize(1024 * 1024)
            .WithSummary("Records one order or an array of orders; idempotent by orderId (a repeat is 'duplicate', the same id with other contents 'conflict').");
        group.MapPost("/import", (bool? preview, HttpRequest request, ImportService imports, HttpContext http, ILogger<ImportService> log, CancellationToken ct) => CustomersApi.ImportAsync(ImportKinds.Orders, preview ?? false, request, imports, http, log, ct))
            .RequireAuthorization(CustomerPolicies.Orders).WithMaxRequestBodySize(Uploads.MaxBytes)
            .WithSummary("Imports orders from CSV (UTF-8, UTF-8 with BOM or GB18030) or .xlsx. Columns by Chinese or English header: 订单号 order_id, 客户ID customer_id, 手机 phone, 邮箱 email, 客户编号 crm_id, 姓名 name, 金额 amount, 币种 currency, 渠道 channel, 下单时间 occurred_at (China time unless an offset is given), 商品 product, 数量 quantity. With preview=true only shows the column mapping and the first rows.");
    }

    private static async Task<IResult> RecordAsync(HttpRequest request, OrderService orders, HttpContext http, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(CustomerTexts.JsonBody.In(http), statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        using var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 8 }, ct);
        var single = doc.RootElement.ValueKind == JsonValueKind.Object;
        if (!single && doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            return TypedResults.Problem(CustomerTexts.OrderBody.In(http), statusCode: StatusCodes.Status400BadRequest);
        }

        var elements = single ? [doc.RootElement] : doc.RootElement.EnumerateArray().ToList();
        if (elements.Count is 0 or > MaxOrdersPerRequest)
        {
            return TypedResults.Problem(CustomerTexts.OrderCount.In(http, MaxOrdersPerRequest), statusCode: StatusCodes.Status400BadRequest);
        }

        var inputs = new List<OrderInput>(elements.Count);
        foreach (var element in elements)
        {
            try
            {
                inputs.Add(element.Deserialize(CustomersApiJson.Default.OrderInput) ?? throw new JsonException("null"));
            }
            catch (JsonException)
            {
                return TypedResults.Problem(CustomerTexts.OrderTypes.In(http), statusCode: StatusCodes.Status400BadRequest);
            }
        }

        var outcomes = await orders.RecordAsync(inputs, http.Language(), ct);
        if (!single)
        {
            return TypedResults.Ok(outcomes);
        }

        var outcome = outcomes[0];
        return outcome.Status switch
        {
            "invalid" => TypedResults.ValidationProblem(outcome.Errors!, detail: CustomerTexts.Invalid.In(http)),
            "conflict" => TypedResults.Problem(CustomerTexts.OrderConflict.In(http, outcome.OrderId), statusCode: StatusCodes.Status409Conflict),
            "created" => TypedResults.Created($"/api/v1/customers/{outcome.CustomerId}", outcome),
            _ => TypedResults.Ok(outcome),
        };
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
[System.Text.Json.Serialization.JsonSerializable(typeof(OrderInput))]
internal sealed partial class CustomersApiJson : System.Text.Json.Serialization.JsonSerializerContext;
