"""Price grids: selling prices by margin or by discount, written as ERPNext's Item Prices and
Pricing Rules. One module per concern; import from the module, this package re-exports nothing:

- `validation`: what a grid may say (checked on save) and the price list it writes to;
- `preview`: what it would write, nothing written;
- `access`: who may read it by name and who may apply it;
- `writers`: the two bulk writers (Item Prices, Pricing Rules) and their batch statements;
- `apply`: an apply and the history it leaves (Dux Price Grid Apply);
- `undo`: an apply undone from that history;
- `bulk_edit`: many lines' markup or discount changed at once;
- `nightly`: *Re-apply Daily*, armed on save and run by the scheduler.
"""
