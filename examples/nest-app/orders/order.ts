/** An order of the shop. */
export interface Order {
  id: string;
  customerId: string;
  item: string;
  status: 'processing' | 'shipped' | 'cancelled';
}
