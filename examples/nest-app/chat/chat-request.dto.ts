import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `POST /chat`. */
export class ChatRequest {
  @IsString() @IsNotEmpty() @MaxLength(4000) message!: string;
}
