using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Model;
using Scrm.Platform.Contacts;

namespace Scrm.Customers.Identity;

/// <summary>What one batch knows: the holders of its keys (loaded with one query per identity type) and what the batch changed so far.</summary>
internal sealed class BatchState : IResolutionState
{
    private readonly Dictionary<IdentityKey, Guid> _holders = [];
    private readonly HashSet<string> _shared = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, (string NameKey, long CreatedAt, Dictionary<(string, string), string> Slots)> _facts = [];
    private readonly Dictionary<Guid, Guid> _mergedInto = [];
    private readonly Dictionary<Guid, CustomerRow> _rows = [];
    private readonly HashSet<Guid> _new = [];

    public static async Task<BatchState> LoadAsync(CustomersDbContext db, IEnumerable<Observation> observations, CancellationToken cancellationToken)
    {
        var state = new BatchState();
        var byType = observations.SelectMany(o => o.Keys).Distinct().GroupBy(k => k.Type);
        var phones = new List<string>();
        foreach (var group in byType)
        {
            var type = group.Key;
            var values = group.Select(k => k.Value).Distinct().ToList();
            var wanted = group.ToHashSet();
            if (type == IdentityTypes.Phone)
            {
                phones.AddRange(values);
            }

            var found = await db.Identities.AsNoTracking()
                .Where(i => i.Type == type && values.Contains(i.Value))
                .Select(i => new { i.Account, i.Value, i.CustomerId })
                .ToListAsync(cancellationToken);
            foreach (var row in found)
            {
                var key = new IdentityKey(type, row.Account, row.Value);
                if (wanted.Contains(key))
                {
                    state._holders[key] = row.CustomerId;
                }
            }
        }

        if (phones.Count > 0)
        {
            state._shared.UnionWith(await db.SharedNumbers.AsNoTracking().Where(s => phones.Contains(s.Value)).Select(s => s.Value).ToListAsync(cancellationToken));
        }

        var holders = state._holders.Values.Distinct().ToList();
        if (holders.Count > 0)
        {
            var customers = await db.Customers.AsNoTracking().Where(c => holders.Contains(c.Id))
                .Select(c => new { c.Id, c.NameKey, c.CreatedAt }).ToListAsync(cancellationToken);
            foreach (var c in customers)
            {
                state._facts[c.Id] = (c.NameKey, c.CreatedAt, []);
            }

            var singleTypes = new[] { IdentityTypes.WeChatUnionId, IdentityTypes.WeChatOpenId, IdentityTypes.WeComExternalUserId, IdentityTypes.CrmId };
            var slots = await db.Identities.AsNoTracking().Where(i => holders.Contains(i.CustomerId) && singleTypes.Contains(i.Type))
                .Select(i => new { i.CustomerId, i.Type, i.Account, i.Value }).ToListAsync(cancellationToken);
            foreach (var s in slots)
            {
                state._facts[s.CustomerId].Slots.TryAdd((s.Type, s.Account), s.Value);
            }
        }

        return state;
    }

    public Guid? HolderOf(IdentityKey key) => _holders.TryGetValue(key, out var holder) ? Current(holder) : null;

    public bool IsSharedNumber(string value) => _shared.Contains(value);

    public CustomerFacts Facts(Guid customer)
    {
        var f = _facts[Current(customer)];
        return new CustomerFacts(Current(customer), f.NameKey, f.CreatedAt, f.Slots);
    }

    public Guid Current(Guid customer)
    {
        while (_mergedInto.TryGetValue(customer, out var survivor))
        {
            customer = survivor;
        }

        return customer;
    }

    public bool IsNew(Guid customer) => _new.Contains(customer);

    public CustomerRow? Row(Guid customer) => _rows.GetValueOrDefault(Current(customer));

    public void Created(CustomerRow row)
    {
        _new.Add(row.Id);
        _rows[row.Id] = row;
        _facts[row.Id] = (row.NameKey, row.CreatedAt, []);
    }

    public void Loaded(CustomerRow row) => _rows[row.Id] = row;

    public void Observed(Guid customer, Observation observation)
    {
        var f = _facts[customer];
        if (f.NameKey.Length == 0 && !string.IsNullOrWhiteSpace(observation.Profile.Name))
        {
            _facts[customer] = (MatchText.Normalize(observation.Profile.Name), f.CreatedAt, f.Slots);
        }
    }

    public void Claimed(Guid customer, IdentityKey key)
    {
        _holders[key] = customer;
        if (IdentityTypes.IsSingleValued(key.Type))
        {
            _facts[customer].Slots.TryAdd(key.Slot, key.Value);
        }
    }

    public void Merged(Guid merged, Guid survivor)
    {
        _mergedInto[merged] = survivor;
        foreach (var (slot, value) in _facts[merged].Slots)
        {
            _facts[survivor].Slots.TryAdd(slot, value);
        }
    }

    public bool MarkShared(string number) => _shared.Add(number);
}
