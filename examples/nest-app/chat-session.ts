/** Who is chatting: the run's `context`, set by the controller from the authenticated request, never chosen by the model. */
export interface ChatSession {
  userId: string;
}
