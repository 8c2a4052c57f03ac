/** An order of the shop. */
export interface Order {
  id: string;
  customerId: string;
  item: string;
  /** What the customer paid, in cents. */
  totalCents: number;
  status: 'processing' | 'shipped' | 'cancelled' | 'refunded';
}
