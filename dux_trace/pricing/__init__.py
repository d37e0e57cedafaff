"""The article card's services: cost bases read from ERPNext's receipts and stock ledger, the card
computed by `dux_trace.core.pricing`, the selling price written where ERPNext sells from (Item
Price, Item.max_discount), and the maximum discount enforced on sales documents."""
