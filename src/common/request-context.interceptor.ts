import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { requestOf } from './http';
import { contextFromRequest, requestContext } from './request-context';

/** Runs the handler inside the request's context, so audit records made anywhere below it know who and where. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const context = contextFromRequest(requestOf(ctx));
    return new Observable((subscriber) => requestContext.run(context, () => next.handle().subscribe(subscriber)));
  }
}
